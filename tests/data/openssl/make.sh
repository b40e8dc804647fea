#!/usr/bin/env bash
# Regenerates the OpenSSL-made verification vectors used by tests/verify_vectors.rs: signatures
# made by an implementation independent of this library, over the exact inputs of spec §7.2-§7.3.
set -euo pipefail
cd "$(dirname "$0")"
# An identity-like TLV file (tag 11: a 20-byte photo hash, so SHA-1 is the likely digest) with
# zero padding, and an address file with zero padding.
printf '\x01\x0c592123456789\x11\x14AAAAAAAAAAAAAAAAAAAA\x00\x00\x00' > identity.bin
printf '\x01\x0cRue Neuve 12\x02\x041000\x03\x09Bruxelles\x00\x00\x00\x00\x00' > address.bin
python3 -c "open('address.trimmed','wb').write(open('address.bin','rb').read().rstrip(b'\\x00'))"
for bits in 512 1024 2048; do
  openssl genrsa -out k$bits.pem $bits 2>/dev/null
  openssl req -new -x509 -key k$bits.pem -subj "/C=BE/O=test RRN/CN=test RRN $bits" -days 3650 \
    -outform DER -out rrn$bits.der -sha256 2>/dev/null
done
openssl dgst -sha1 -sign k512.pem -out sig512-sha1.bin identity.bin
openssl dgst -sha256 -sign k512.pem -out sig512-sha256.bin identity.bin
openssl dgst -sha1 -sign k1024.pem -out sig1024-sha1.bin identity.bin
openssl dgst -sha256 -sign k1024.pem -out sig1024-sha256.bin identity.bin
openssl dgst -sha384 -sign k1024.pem -out sig1024-sha384.bin identity.bin
openssl dgst -sha256 -sign k2048.pem -out sig2048-sha256.bin identity.bin
openssl dgst -sha512 -sign k2048.pem -out sig2048-sha512.bin identity.bin
cat address.trimmed sig1024-sha1.bin > addr-input-1024
openssl dgst -sha1 -sign k1024.pem -out addr-sig1024-sha1.bin addr-input-1024
openssl ecparam -name secp384r1 -genkey -noout -out ec.pem
openssl req -new -x509 -key ec.pem -subj "/C=BE/O=TEST/CN=eID TEST EC RRN" -days 3650 \
  -outform DER -out rrn-ec.der -sha384 2>/dev/null
openssl dgst -sha384 -sign ec.pem -out sig-ec.der identity.bin
python3 -c "
d=open('sig-ec.der','rb').read(); open('sig-ec-padded.bin','wb').write(d+bytes(256-len(d)))"
cat address.trimmed sig-ec-padded.bin > addr-input-ec
openssl dgst -sha384 -sign ec.pem -out addr-sig-ec.der addr-input-ec
python3 -c "
d=open('addr-sig-ec.der','rb').read(); open('addr-sig-ec-padded.bin','wb').write(d+bytes(128-len(d)))"
rm -f ./*.pem addr-input-* address.trimmed sig-ec.der addr-sig-ec.der
