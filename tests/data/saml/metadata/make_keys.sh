#!/bin/sh
# Generates the test-only keys and self-signed certificates used by the protocol
# tests (AuthnRequest signing, SP metadata, IdP metadata fixtures). Never real keys.
# Run from anywhere; writes into keys/ beside this script. After running it, run
# make_fixtures.sh so that the metadata fixtures embed the new certificates.
set -eu
cd "$(dirname "$0")/keys"

cert() { # name subject days [keyopt...]
    name=$1 subject=$2 days=$3
    shift 3
    openssl req -x509 -new -nodes -newkey "$@" -keyout "$name.key" -out "$name.crt" \
        -days "$days" -subj "$subject" -sha256 2>/dev/null
}

cert idp_signing "/CN=idp.example.org/O=Example IdP" 3650 rsa:2048
cert idp_rollover "/CN=idp.example.org/O=Example IdP/OU=rollover" 3650 rsa:2048
cert idp_encryption "/CN=idp.example.org/O=Example IdP/OU=encryption" 3650 rsa:2048
cert sp "/CN=sp.example.com/O=Example SP" 3650 rsa:2048
cert sp_ec "/CN=sp.example.com/O=Example SP/OU=ec" 3650 ec -pkeyopt ec_paramgen_curve:P-256
# An RSA key whose certificate is not the one we check against (wrong key).
cert other "/CN=attacker.example.net" 3650 rsa:2048
