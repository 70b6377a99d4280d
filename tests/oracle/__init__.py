"""The reference oracle: generated county histories, where every investigation answer must equal a plain replay."""
