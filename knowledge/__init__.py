"""foibot's knowledge base: loaders, response parser, exemption library, store and refresh."""
