"""Analysis: spaCy finds actors, quotes and claims; embeddings and a learned model score and match them."""
