"""The Millinocket simulation's dashboard: a read-only page served while the run goes on
(`server.start_dashboard`), drawn from what the run records (`recorder.Recorder`), and the same
charts inlined in report.html (`page.report_charts`). Charts by uPlot, vendored in static/vendor/.
"""
