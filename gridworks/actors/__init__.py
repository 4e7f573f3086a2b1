"""GNode actors: signed envelopes over RabbitMQ, verified before any handler sees them."""
