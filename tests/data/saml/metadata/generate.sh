#!/bin/sh
# Regenerates the IdP metadata fixtures of tests/saml/metadata_test.cpp from
# templates/*.xml.in, embedding the test-only certificates of tests/data/saml/keys
# (run this after tests/data/saml/keys/generate.sh). Reproducible: the same keys give
# the same files (RSA PKCS#1 v1.5 signatures are deterministic).
#
# Placeholders:
#   @IDP_CERT@            base64 DER of keys/idp.crt on one line
#   @IDP_CERT_WRAPPED@    the same, wrapped at 64 columns (each line indented)
#   @IDP_ROLLOVER_CERT@   keys/idp_rollover.crt
#   @IDP_CLONE_CERT@      keys/idp_clone.crt (used as an encryption-only key)
#   @ATTACKER_CERT@       keys/attacker.crt
# A template that holds an empty ds:Signature is then signed with keys/idp.key by
# xmlsec1 (enveloped, exclusive c14n, RSA-SHA256), the way Entra ID and ADFS sign
# their federation metadata. ssogate does not check that signature; the fixtures carry
# one so that its presence is tested.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
keys="$here/../keys"
cd "$here"

b64() { openssl x509 -in "$keys/$1.crt" -outform der | base64 -w0; }
idp=$(b64 idp)
idp_wrapped=$(openssl x509 -in "$keys/idp.crt" -outform der | base64 -w64 | sed 's/^/            /' | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/\\n/g')
rollover=$(b64 idp_rollover)
clone=$(b64 idp_clone)
attacker=$(b64 attacker)

for template in templates/*.xml.in; do
    name=$(basename "$template" .in)
    sed -e "s|@IDP_CERT@|$idp|g" \
        -e "s|@IDP_CERT_WRAPPED@|\\n$idp_wrapped\\n          |g" \
        -e "s|@IDP_ROLLOVER_CERT@|$rollover|g" \
        -e "s|@IDP_CLONE_CERT@|$clone|g" \
        -e "s|@ATTACKER_CERT@|$attacker|g" \
        "$template" > "$name.tmp"
    if grep -q '<SignatureValue/>\|<ds:SignatureValue/>' "$name.tmp"; then
        xmlsec1 --sign --privkey-pem "$keys/idp.key,$keys/idp.crt" \
            --id-attr:ID urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor \
            --output "$name" "$name.tmp"
        rm "$name.tmp"
    else
        mv "$name.tmp" "$name"
    fi
done
