"""The second factor: a code from an authenticator app (TOTP), or one of ten recovery codes.

Staff need it before any of their roles works (`roles.needs_second_factor`); residents
may switch it on. With it, signing in asks for a code after the password (`sign_in`),
and so does every weighty step (`accounts.identity`).
"""
