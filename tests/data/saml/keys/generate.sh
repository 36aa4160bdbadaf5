#!/bin/sh
# Test-only key material for tests/saml. NEVER use these keys anywhere else.
#
#   idp.key / idp.crt                  the IdP's signing key (RSA-2048), CN=idp.example.test
#   idp_rollover.key / .crt            the IdP's next signing key (rollover), CN=idp-next.example.test
#   attacker.key / attacker.crt        an attacker's key and self-signed certificate
#   idp_clone.key / idp_clone.crt      a cloned certificate: same subject as idp.crt, another key
#   idp_ec.key / idp_ec.crt            an ECDSA P-256 signing key of the IdP
#   sp.key / sp.crt                    the SP's encryption (and signing) key
#   sp_rollover.key / .crt             the SP's next encryption key
#
# Regenerate (this changes every fixture; rerun tests/data/saml/generate afterwards):
#   cd tests/data/saml/keys && ./generate.sh
set -eu
cd "$(dirname "$0")"
rsa() { # name subject
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 36500 \
        -keyout "$1.key" -out "$1.crt" -subj "$2" 2>/dev/null
}
rsa idp "/O=Example IdP/CN=idp.example.test"
rsa idp_rollover "/O=Example IdP/CN=idp-next.example.test"
rsa attacker "/O=Mallory/CN=attacker.example.test"
rsa idp_clone "/O=Example IdP/CN=idp.example.test"
rsa sp "/O=Example SP/CN=sp.example.test"
rsa sp_rollover "/O=Example SP/CN=sp-next.example.test"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 36500 \
    -keyout idp_ec.key -out idp_ec.crt -subj "/O=Example IdP/CN=idp-ec.example.test" 2>/dev/null
