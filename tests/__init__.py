"""FoodTrace's tests: real PostgreSQL and SQLite, a real HTTP client, a real browser; shared county fixtures."""
