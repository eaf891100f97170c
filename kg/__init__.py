"""idkr-kg: news articles about Indonesia–Korea relations → evidenced RDF knowledge graph."""

__version__ = "0.1.0"
