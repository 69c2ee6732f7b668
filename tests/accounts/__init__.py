"""HTTP tests of the accounts feature: sign-in, blocks, names."""
