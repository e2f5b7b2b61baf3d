#!/usr/bin/python3
"""Writes passlib.json: password hashes made by the real passlib, for compat/passlib_test.go
and the import tests. Run on Debian with python3-passlib, python3-argon2 and python3-bcrypt:

    /usr/bin/python3 compat/testdata/gen_passlib.py > compat/testdata/passlib.json

Each entry names the scheme as Frappe or Odoo configure it, the password that verifies and
the hash. Rounds are passlib's defaults unless a test needs a cheap or an expensive hash."""
import json

from passlib.hash import argon2, bcrypt, pbkdf2_sha256, pbkdf2_sha512

cases = [
    # Frappe: CryptContext(schemes=["pbkdf2_sha256", "argon2"]) with passlib's defaults.
    ("pbkdf2-sha256", "Eastern_43A1W", pbkdf2_sha256.hash("Eastern_43A1W")),
    ("pbkdf2-sha256", "pässwörd ünïcode", pbkdf2_sha256.using(rounds=1000).hash("pässwörd ünïcode")),
    ("argon2id", "argon-id-secret", argon2.using(type="ID").hash("argon-id-secret")),
    ("argon2i", "argon-i-secret", argon2.using(type="I", memory_cost=1024, rounds=2).hash("argon-i-secret")),
    ("bcrypt", "bcrypt-secret", bcrypt.using(rounds=5).hash("bcrypt-secret")),
    # Odoo: CryptContext(["pbkdf2_sha512", "plaintext"]); passlib's default and Odoo 16+'s rounds.
    ("pbkdf2-sha512", "odoo-admin-pw", pbkdf2_sha512.hash("odoo-admin-pw")),
    ("pbkdf2-sha512", "odoo-600k", pbkdf2_sha512.using(rounds=600000).hash("odoo-600k")),
    # Beyond oauthd's cost bound: refused without being computed.
    ("pbkdf2-sha256", "too-slow", pbkdf2_sha256.using(rounds=5000000, salt=b"0123456789abcdef").hash("too-slow")),
]
print(json.dumps([{"scheme": s, "password": p, "hash": h} for s, p, h in cases], indent=1, ensure_ascii=False))
