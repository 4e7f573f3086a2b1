/* The Millinocket dashboard: the run's charts, drawn with uPlot (vendored beside this file).

   <body data-source="live"> polls the dashboard's JSON endpoints (api/state, api/homes/<alias>,
   api/books/<slot start>) every second (?poll_ms=N to change it); <body data-source="report">
   (report.html) reads the same documents from its JSON script element
   #dashboard-data. Every string that comes from the run (home aliases, house names,
   refusal reasons, slot names) is put in the page with textContent, never as markup.

   window.gridworksDashboard exposes the charts and a poll count (the tests read them). */
(function () {
  "use strict";

  const mode = document.body.dataset.source === "report" ? "report" : "live";
  const params = new URLSearchParams(window.location.search);
  const pollMs = Math.max(100, Number(params.get("poll_ms")) || 1000);
  const own = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

  function liveSource() {
    async function get(path) {
      const response = await fetch(path, { cache: "no-store" });
      if (!response.ok) throw new Error(path + ": HTTP " + response.status);
      return response.json();
    }
    return {
      state: () => get("api/state"),
      home: (alias) => get("api/homes/" + encodeURIComponent(alias)),
      book: (start) => get("api/books/" + encodeURIComponent(String(start))),
    };
  }

  function reportSource() {
    const data = JSON.parse(document.getElementById("dashboard-data").textContent);
    return {
      state: async () => data.state,
      home: async (alias) => {
        if (!own(data.homes, alias)) throw new Error("no data for this home in the report");
        return data.homes[alias];
      },
      book: async (start) => {
        if (!own(data.books, String(start))) throw new Error("no book for this slot");
        return data.books[String(start)];
      },
    };
  }

  const source = mode === "report" ? reportSource() : liveSource();
  const charts = {};
  const api = { mode: mode, charts: charts, polls: 0, errors: 0, lastError: "" };
  window.gridworksDashboard = api;

  const $ = (id) => document.getElementById(id);
  const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf"];
  const color = (i) => COLORS[i % COLORS.length];
  const utc = (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC");
  const stepped = uPlot.paths.stepped({ align: 1 });
  const BOOK_BIDS_DRAWN = 30;

  function widthOf(element) {
    return Math.max(320, Math.floor(element.clientWidth || 900));
  }

  /* Draws `data` on the chart `key`, made anew when its series (`signature`) changed. */
  function draw(key, signature, makeOptions, data) {
    let chart = charts[key];
    if (chart && chart.gridworksSignature !== signature) {
      chart.destroy();
      chart = null;
    }
    if (!chart) {
      const element = $(key);
      chart = new uPlot(makeOptions(widthOf(element)), data, element);
      chart.gridworksSignature = signature;
      charts[key] = chart;
    } else {
      chart.setData(data);
    }
    return chart;
  }

  function setRows(table, rows) {
    const body = table.tBodies[0];
    body.replaceChildren();
    for (const row of rows) {
      const tr = document.createElement("tr");
      row.forEach((value, index) => {
        const cell = document.createElement(index === 0 ? "th" : "td");
        cell.textContent = String(value);
        tr.appendChild(cell);
      });
      body.appendChild(tr);
    }
  }

  function slotSeconds(starts) {
    return starts.length >= 2 && starts[1] > starts[0] ? starts[1] - starts[0] : 3600;
  }

  function whenText(start) {
    return new Date(start * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  function fixed(value, digits) {
    return value == null ? "–" : Number(value).toFixed(digits);
  }

  // --- the run's status ---------------------------------------------------------------------

  function drawStatus(state) {
    const run = state.run;
    $("status").textContent =
      run.title + ": " + run.phase + "; " + state.slots.length + " of " + run.hours +
      " slots cleared; " + run.homes + " homes; feeder limit " + fixed(run.feeder_kw, 1) + " kW";
  }

  // --- price and load -----------------------------------------------------------------------

  function drawPriceLoad(state) {
    const slots = state.slots;
    const starts = slots.map((s) => s.start_s);
    const xs = starts.length ? starts.concat([starts[starts.length - 1] + slotSeconds(starts)]) : [];
    const column = (f) => {
      const values = slots.map(f);
      return values.length ? values.concat([values[values.length - 1]]) : [];
    };
    const data = [
      xs,
      column((s) => s.price_usd_per_mwh),
      column((s) => s.grid_usd_per_mwh),
      column((s) => s.load_kw),
      column((s) => s.awarded_kw),
      column((s) => s.feeder_kw),
    ];
    draw("chart-price-load", "price-load", (width) => ({
      width: width, height: 320, tzDate: utc,
      scales: { x: { time: true }, usd: { auto: true }, kw: { auto: true, range: (u, lo, hi) => [Math.min(0, lo), Math.max(1, hi * 1.1)] } },
      axes: [
        {},
        { scale: "usd", label: "USD/MWh" },
        { scale: "kw", label: "kW", side: 1, grid: { show: false } },
      ],
      series: [
        { label: "slot (UTC)" },
        { label: "clearing price", scale: "usd", stroke: "#1f77b4", width: 2, paths: stepped },
        { label: "grid price", scale: "usd", stroke: "#7f7f7f", dash: [4, 4], paths: stepped },
        { label: "load drawn", scale: "kw", stroke: "#ff7f0e", width: 2, paths: stepped, fill: "rgba(255,127,14,0.08)" },
        { label: "awarded", scale: "kw", stroke: "#d62728", dash: [2, 3], paths: stepped },
        { label: "feeder limit", scale: "kw", stroke: "#000000", dash: [8, 4], paths: stepped },
      ],
    }), data);
  }

  // --- homes --------------------------------------------------------------------------------

  let homesKnown = "";
  function syncHomeOptions(state) {
    const select = $("homes-select");
    const signature = state.homes.map((h) => h.alias).join("\n");
    if (signature === homesKnown) return;
    const chosen = homesKnown
      ? new Set(Array.from(select.selectedOptions, (o) => o.value))
      : new Set(state.default_homes);
    homesKnown = signature;
    select.replaceChildren();
    for (const home of state.homes) {
      const option = document.createElement("option");
      option.value = home.alias;
      option.textContent = home.alias + " (" + home.house + ")";
      option.selected = chosen.has(home.alias);
      select.appendChild(option);
    }
  }

  let homesDrawing = 0; // a newer drawing (a poll, a pick) makes an older one's fetches moot
  async function drawHomes(state) {
    const drawing = ++homesDrawing;
    const aliases = Array.from($("homes-select").selectedOptions, (o) => o.value);
    const series = [];
    for (const alias of aliases) {
      try {
        series.push(await source.home(alias));
      } catch (error) {
        api.lastError = String(error);
      }
    }
    if (drawing !== homesDrawing) return;
    const starts = state.slots.map((s) => s.start_s);
    const length = slotSeconds(starts);
    const xs = starts.length ? starts.concat([starts[starts.length - 1] + length]) : [];
    const index = new Map(starts.map((s, i) => [s, i]));
    const stores = [], powers = [];
    for (const home of series) {
      const store = new Array(xs.length).fill(null);
      const power = new Array(xs.length).fill(null);
      home.start_s.forEach((start, i) => {
        const at = index.get(start);
        if (at === undefined) return;
        store[at + 1] = home.store_kwh_th[i]; // the store at the slot's end
        power[at] = home.power_kw[i];
      });
      if (power.length >= 2) power[power.length - 1] = power[power.length - 2];
      stores.push(store);
      powers.push(power);
    }
    const signature = series.map((h) => h.alias).join("\n");
    const homeSeries = (width, unit, stepwise) => ({
      width: width, height: 260, tzDate: utc,
      scales: { x: { time: true } },
      axes: [{}, { label: unit }],
      series: [{ label: "slot (UTC)" }].concat(series.map((home, i) => ({
        label: home.alias + " (" + home.house + ")",
        stroke: color(i), width: 2, spanGaps: false,
        paths: stepwise ? stepped : undefined,
      }))),
    });
    draw("chart-home-store", signature, (w) => homeSeries(w, "store energy (kWh th)", false), [xs].concat(stores));
    draw("chart-home-power", signature, (w) => homeSeries(w, "power (kW)", true), [xs].concat(powers));
  }

  // --- messages -----------------------------------------------------------------------------

  /* The samples' span, at least 10 s (uPlot's own range of one point is years wide). */
  function wallRange(u) {
    const xs = u.data[0];
    if (!xs.length) return [Date.now() / 1000 - 10, Date.now() / 1000];
    const lo = xs[0], hi = xs[xs.length - 1];
    return hi - lo < 10 ? [lo - 5, hi + 5] : [lo, hi];
  }

  function drawMessages(state) {
    const samples = state.messages;
    const reasons = Array.from(new Set(samples.flatMap((s) => Object.keys(s.refused)))).sort();
    const data = [
      samples.map((s) => s.t_s),
      samples.map((s) => s.sent),
      samples.map((s) => s.accepted),
    ].concat(reasons.map((r) => samples.map((s) => (own(s.refused, r) ? s.refused[r] : 0))));
    draw("chart-messages", reasons.join("\n"), (width) => ({
      width: width, height: 260,
      scales: { x: { time: true, range: wallRange } },
      axes: [{}, { label: "messages/s" }],
      series: [
        { label: "wall time" },
        { label: "sent", stroke: "#1f77b4", width: 2 },
        { label: "accepted", stroke: "#2ca02c", width: 2 },
      ].concat(reasons.map((reason, i) => ({
        label: "refused: " + reason, stroke: color(i + 3), width: 2, paths: stepped,
      }))),
    }), data);
    const totals = state.totals;
    const refused = Object.keys(totals.refused).sort();
    const total = refused.reduce((sum, r) => sum + totals.refused[r], 0);
    setRows($("message-counts"), [
      ["sent", totals.sent],
      ["accepted", totals.accepted],
      ["refused", total],
    ].concat(refused.map((r) => ["refused: " + r, totals.refused[r]])));
  }

  // --- the market book ----------------------------------------------------------------------

  let booksKnown = "";
  function syncBookOptions(state) {
    const select = $("book-select");
    const signature = state.books.join(",");
    if (signature === booksKnown) return;
    booksKnown = signature;
    const chosen = select.value || "latest";
    select.replaceChildren();
    const latest = document.createElement("option");
    latest.value = "latest";
    latest.textContent = "the latest cleared";
    select.appendChild(latest);
    for (const start of state.books.slice().reverse()) {
      const option = document.createElement("option");
      option.value = String(start);
      option.textContent = whenText(start);
      select.appendChild(option);
    }
    select.value = own(Object.fromEntries(state.books.map((b) => [String(b), 1])), chosen)
      ? chosen
      : "latest";
  }

  /* A demand curve's staircase in (kW, price): at a price the bidder takes the quantity of the
     last step priced at least that. */
  function staircase(steps, floor) {
    const xs = [0], ys = [steps[0][0]];
    steps.forEach(([price, kw], i) => {
      xs.push(kw);
      ys.push(price);
      const next = i + 1 < steps.length ? steps[i + 1][0] : floor;
      xs.push(kw);
      ys.push(next);
    });
    return [xs, ys];
  }

  function aggregate(bids) {
    const prices = Array.from(new Set(bids.flatMap((b) => b.steps.map((s) => s[0])))).sort((a, b) => b - a);
    return prices.map((p) => [p, bids.reduce((sum, bid) => {
      let kw = 0;
      for (const [price, q] of bid.steps) if (price >= p) kw = q;
      return sum + kw;
    }, 0)]);
  }

  let bookShown = null;
  let bookDrawing = 0;
  async function drawBook(state, force) {
    const select = $("book-select");
    if (!state.books.length) return;
    const wanted = select.value && select.value !== "latest"
      ? Number(select.value)
      : state.books[state.books.length - 1];
    if (wanted === bookShown && !force) return;
    const drawing = ++bookDrawing;
    const book = await source.book(wanted);
    if (drawing !== bookDrawing) return;
    bookShown = wanted;
    api.book = book.start_s;
    const capped = book.bids.slice(0, BOOK_BIDS_DRAWN);
    const inner = book.bids.flatMap((b) => b.steps.slice(1).map((s) => s[0]));
    const levels = inner.concat([book.price_usd_per_mwh, book.grid_usd_per_mwh]);
    const top = Math.max(...levels);
    const bottom = Math.min(0, ...levels);
    const span = Math.max(10, top - bottom);
    const ymax = top + span * 0.25, ymin = bottom - span * 0.1;
    const total = aggregate(book.bids);
    const kwMax = Math.max(book.feeder_kw, total.length ? total[total.length - 1][1] : 0, 1) * 1.1;
    const data = [null];
    const series = [{}];
    if (total.length) {
      data.push(staircase(total, ymin));
      series.push({ label: "all bids", stroke: "#000000", width: 2 });
    }
    data.push([[0, book.feeder_kw, book.feeder_kw], [book.grid_usd_per_mwh, book.grid_usd_per_mwh, ymax]]);
    series.push({ label: "grid supply", stroke: "#7f7f7f", width: 2, dash: [6, 4] });
    capped.forEach((bid, i) => {
      data.push(staircase(bid.steps, ymin));
      series.push({ label: bid.bidder, stroke: color(i), width: 1 });
    });
    // the clearing point, as the lines to it from the axes (its dot and the awards' are
    // painted by the draw hook: uPlot draws no points in mode 2)
    data.push([[0, book.quantity_kw, book.quantity_kw], [book.price_usd_per_mwh, book.price_usd_per_mwh, ymin]]);
    series.push({ label: "clearing point", stroke: "#d62728", width: 2, dash: [2, 3] });
    const dots = book.bids.map((b) => [b.award_kw, book.price_usd_per_mwh, 4, "#9467bd"])
      .concat([[book.quantity_kw, book.price_usd_per_mwh, 7, "#d62728"]]);
    const paintDots = (u) => {
      const ctx = u.ctx;
      ctx.save();
      for (const [x, y, r, fill] of dots) {
        ctx.beginPath();
        ctx.arc(u.valToPos(x, "x", true), u.valToPos(y, "y", true), r * devicePixelRatio, 0, 2 * Math.PI);
        ctx.fillStyle = fill;
        ctx.fill();
      }
      ctx.restore();
    };
    for (const s of series.slice(1)) s.facets = [{ scale: "x", auto: false }, { scale: "y", auto: false }];
    const signature = "book " + book.slot;
    draw("chart-book", signature, (width) => ({
      mode: 2, width: width, height: 360,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false, range: [0, kwMax] }, y: { range: [ymin, ymax] } },
      axes: [{ label: "quantity (kW)" }, { label: "price (USD/MWh)" }],
      series: series,
      hooks: { draw: [paintDots] },
    }), data);
    const off = book.bids.length > capped.length
      ? " The first " + capped.length + " of " + book.bids.length + " bids are drawn; the table has all."
      : "";
    $("book-summary").textContent =
      book.slot + ": " + fixed(book.quantity_kw, 1) + " kW at " + fixed(book.price_usd_per_mwh, 2) +
      " USD/MWh from " + book.bids.length + " bids; grid " + fixed(book.grid_usd_per_mwh, 2) +
      " USD/MWh up to the feeder's " + fixed(book.feeder_kw, 1) + " kW" +
      (book.feeder_limited ? " (the feeder was the limit)" : "") +
      ". Red dot: the clearing point; purple dots: each bidder's award at the clearing price." +
      " Steps at the price cap are above the chart." + off;
    setRows($("book-awards"), book.bids.map((b) => [b.bidder, b.steps.length, fixed(b.award_kw, 3)]));
  }

  // --- the loop -----------------------------------------------------------------------------

  let latestState = null;
  async function refresh() {
    const state = await source.state();
    latestState = state;
    drawStatus(state);
    drawPriceLoad(state);
    drawMessages(state);
    syncHomeOptions(state);
    await drawHomes(state);
    syncBookOptions(state);
    await drawBook(state, false);
    api.polls += 1;
  }

  async function loop() {
    try {
      await refresh();
    } catch (error) {
      api.errors += 1;
      api.lastError = String(error);
      if (mode === "live") {
        $("status").textContent = "The dashboard's server does not answer (the run has ended?); " +
          "the last state is shown.";
      }
    }
    if (mode === "live") window.setTimeout(loop, pollMs);
  }

  $("homes-select").addEventListener("change", () => {
    if (latestState) drawHomes(latestState).catch((e) => { api.lastError = String(e); });
  });
  $("book-select").addEventListener("change", () => {
    if (latestState) drawBook(latestState, true).catch((e) => { api.lastError = String(e); });
  });
  window.addEventListener("resize", () => {
    for (const chart of Object.values(charts)) {
      chart.setSize({ width: widthOf(chart.root.parentElement), height: chart.height });
    }
  });
  loop();
})();
