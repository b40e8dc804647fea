#!/bin/sh
# Regenerates the object-parser fixtures of this folder (test certificates and keys; NOT real
# Belgian material): rsa2048-auth.der, p384-sign.der, citizen-ca.der, basic-p384.spki.der,
# p256.spki.der. The private keys are thrown away. Uses objects-openssl.cnf. Run from this folder.
set -eu
here=$(pwd)
work=$(mktemp -d)
cp objects-openssl.cnf "$work/ca.cnf"
cd "$work"
mkdir newcerts
touch index.txt
echo 10203040506070809000A0B0C0D0E0F1 > serial
openssl ecparam -name secp384r1 -genkey -noout -out ca.key
openssl req -new -x509 -config ca.cnf -key ca.key -extensions v3_ca -days 3650 -set_serial 0x2020 -sha384 -out ca.pem
openssl genrsa -out rsa.key 2048
openssl ecparam -name secp384r1 -genkey -noout -out ec.key
openssl req -new -key rsa.key -out rsa.csr \
  -subj "/C=BE/CN=Alice SPECIMEN (Authentication)/SN=SPECIMEN/GN=Alice/serialNumber=71715100070"
openssl req -new -key ec.key -out ec.csr \
  -subj "/C=BE/CN=Alice SPECIMEN (Signature)/SN=SPECIMEN/GN=Alice/serialNumber=71715100070"
for c in "rsa auth" "ec sign"; do
  set -- $c
  openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in "$1.csr" -extensions "$2" \
    -startdate 20240101000000Z -enddate 20340101000000Z -preserveDN -notext -out "$1.pem"
done
openssl x509 -in rsa.pem -outform DER -out "$here/rsa2048-auth.der"
openssl x509 -in ec.pem -outform DER -out "$here/p384-sign.der"
openssl x509 -in ca.pem -outform DER -out "$here/citizen-ca.der"
openssl ecparam -name secp384r1 -genkey -noout -out basic.key
openssl pkey -in basic.key -pubout -outform DER -out "$here/basic-p384.spki.der"
openssl ecparam -name prime256v1 -genkey -noout -out p256.key
openssl pkey -in p256.key -pubout -outform DER -out "$here/p256.spki.der"
cd "$here"
rm -rf "$work"
