"""The read side: filters and scope in, counts and rows out; the fold (its one write) apart."""
