#!/usr/bin/env python3
"""Regenerate the committed seed corpora of the library fuzz targets.

Writes fuzz/corpus/<target>/seed-<name> for the targets tlv, identity, address, card_data,
certificate and transport. Only files named `seed-*` are committed; libFuzzer's own corpus
entries (hash names) are ignored by .gitignore. Run from anywhere:

    python3 fuzz/seeds.py            # (re)write the seeds
    python3 fuzz/seeds.py --check    # exit 1 when a committed seed differs from this script

Every value comes from the card specification (/work/shared/reference/beid-card-spec.md, cited
as "spec §x") or from the test fixtures in tests/data (test certificates, not real Belgian
material). Python 3.8+, standard library only.

The `transport` seeds are complete R-APDU streams of a realistic `BeidCard::open` + `read_all`:
one flags byte (bit 0: the transport reports the applet 1.8 ATR; bit 1: an APDU observer is
installed), then every response prefixed by its length (2 bytes, big-endian). The card is
modelled as spec §3.2 describes it (offset beyond the file: `6B 00`; Le beyond the end:
`6C xx`, then the re-sent READ BINARY gets the rest), and the reader's requests are predicted
by mirroring src/card/read.rs and `BeidCard::read_file_body` in src/card/mod.rs (Le 256 per
READ BINARY, first-read size guesses, DER lengths, TLV padding, JPEG end, fixed-size RSA
signature files, 6B00 probes). If that read path changes, re-run this script and check the
seeds still end in `Ok` (see fuzz/README.md).
"""

import hashlib
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"
CORPUS = HERE / "corpus"

SW_OK = b"\x90\x00"


def h(s):
    """Bytes from hex text (spaces allowed)."""
    return bytes.fromhex(s.replace(" ", ""))


def prng(seed, n):
    """n deterministic pseudo-random bytes (SHA-256 in counter mode)."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(seed.encode() + i.to_bytes(4, "big")).digest()
        i += 1
    return bytes(out[:n])


# ----------------------------------------------------------------------------------------------
# Simplified TLV (spec §4.1, C54 length rule: FF runs, the length is the sum of the bytes).


def tlv(tag, value):
    n = len(value)
    length = b""
    while n >= 255:
        length += b"\xff"
        n -= 255
    return bytes([tag]) + length + bytes([n]) + value


def tlv_file(elements, pad_to=0):
    out = b"".join(tlv(t, v) for t, v in elements)
    return out + bytes(max(0, pad_to - len(out)))


def tlv_content_len(data):
    """Mirror of beid::tlv::content_len: where padding starts, None when broken."""
    pos = 0
    while pos < len(data):
        tag = data[pos]
        if tag == 0 and pos != 0:
            return pos
        p = pos + 1
        n = 0
        while True:
            if p >= len(data):
                return None
            b = data[p]
            p += 1
            n += b
            if b != 0xFF:
                break
        if p + n > len(data):
            return None
        pos = p + n
    return pos


def der_len(data):
    """Mirror of beid::files::der_len for single-byte tags."""
    if len(data) < 2 or data[0] == 0 or data[0] & 0x1F == 0x1F:
        return None
    first = data[1]
    if first < 0x80:
        return 2 + first
    n = first & 0x7F
    if n == 0 or n > 4 or len(data) < 2 + n:
        return None
    return 2 + n + int.from_bytes(data[2 : 2 + n], "big")


# ----------------------------------------------------------------------------------------------
# Identity files (spec §4.2, §4.4).

# Spec §4.4, full hex (176 bytes).
SPECIMEN_IDENTITY = h(
    "010c3030303030313234313630300210534c4790025100002239288f12920363030a30352e30372e32303232"
    "040a30352e30372e3230333205074272757373656c060b3031303530333939393633070853706563696d656e"
    "080c4e6f726120416e67c3a86c6509000a0442454c470b064c657576656e0c0b3033204d4549203230303"
    "10d01560e000f01311001301120476a2c4072f5fb07642e256d5edfd79c6a675fc69262d327f997905151"
    "7b0801"
)
SPECIMEN_CHIP = h("534C4790025100002239288F12920363")
SPECIMEN_PHOTO_HASH = h("476a2c4072f5fb07642e256d5edfd79c6a675fc69262d327f9979051517b0801")


def specimen_elements():
    """The §4.4 card, element by element (checked against the hex below)."""
    return [
        (0x01, b"000001241600"),
        (0x02, SPECIMEN_CHIP),
        (0x03, b"05.07.2022"),
        (0x04, b"05.07.2032"),
        (0x05, b"Brussel"),
        (0x06, b"01050399963"),
        (0x07, b"Specimen"),
        (0x08, "Nora Angèle".encode()),
        (0x09, b""),
        (0x0A, b"BELG"),
        (0x0B, b"Leuven"),
        (0x0C, b"03 MEI 2001"),
        (0x0D, b"V"),
        (0x0E, b""),
        (0x0F, b"1"),
        (0x10, b"0"),
        (0x11, SPECIMEN_PHOTO_HASH),
    ]


def foreigner17_identity(photo):
    """A 1.7 foreigner B-card as in spec §4.4 (2018 sample): tags 0x12..0x19 written
    explicitly, several with length 0; 9-digit+B card number; SHA-256 photo hash (§7.4)."""
    return tlv_file(
        [
            (0x01, b"B021329690"),
            (0x02, h("534C494E3366002A1122334455667788")),
            (0x03, b"18.06.2018"),
            (0x04, b"18.06.2023"),
            (0x05, b"Antwerpen"),
            (0x06, b"75042628553"),
            (0x07, b"Specimen"),
            (0x08, b"Alice Geldige"),
            (0x09, b""),
            (0x0A, b"Denemarken"),
            (0x0B, "K\u00f8benhavn".encode()),
            (0x0C, b"26 APR  1975"),
            (0x0D, b"F"),
            (0x0E, b""),
            (0x0F, b"12"),
            (0x10, b"0"),
            (0x11, hashlib.sha256(photo).digest()),
            (0x12, b"01"),
            (0x13, b"5"),
            (0x14, b""),
            (0x15, b"13.08.2014-IT"),
            (0x16, b"9"),
            (0x17, b""),
            (0x18, b""),
            (0x19, b""),
        ]
    )


def citizen18_identity(photo, basic_key):
    """A 1.8 citizen card: SHA-384 photo hash and basic-key hash (tags 0x11, 0x1A, §7.4, §7.5),
    2000+ national number, document type written "01" (§6.1)."""
    return tlv_file(
        [
            (0x01, b"592000155079"),
            (0x02, h("534C494E3366002B99887766554433FF")),
            (0x03, b"15.03.2023"),
            (0x04, b"15.03.2033"),
            (0x05, b"Gent"),
            (0x06, b"03090700141"),
            (0x07, b"Specimen"),
            (0x08, b"Jan Pieter"),
            (0x09, b"K"),
            (0x0A, b"Belg"),
            (0x0B, b"Gent"),
            (0x0C, b"07 SEPT 2003"),
            (0x0D, b"M"),
            (0x0F, b"01"),
            (0x10, b"0"),
            (0x11, hashlib.sha384(photo).digest()),
            (0x12, b"00"),
            (0x1A, hashlib.sha384(basic_key).digest()),
        ]
    )


def foreigner18_identity(photo, basic_key):
    """A 1.8 EU+ card (document type 32) using the newest tags 0x12..0x1F (IDA5, §4.2, §6.7):
    German birth date form `DD.MMM. YYYY` (§5.2), member of family (0x14, empty), work
    permit, employer VAT, regional file number, Brexit and A-card mentions, EU start date."""
    return tlv_file(
        [
            (0x01, b"B123456782"),
            (0x02, h("534C494E3366002C0102030405060708")),
            (0x03, b"01.02.2024"),
            (0x04, b"01.02.2034"),
            (0x05, b"Eupen"),
            (0x06, b"97122256226"),
            (0x07, "M\u00fcller-L\u00fcdenscheidt".encode()),
            (0x08, b"Anna Maria"),
            (0x09, b""),
            (0x0A, "Deutschland".encode()),
            (0x0B, b"Aachen"),
            (0x0C, b"22.DEZ. 1997"),
            (0x0D, b"W"),
            (0x0E, b""),
            (0x0F, b"32"),
            (0x10, b"0"),
            (0x11, hashlib.sha384(photo).digest()),
            (0x12, b"02"),
            (0x13, b""),
            (0x14, b""),
            (0x15, b""),
            (0x16, b"7"),
            (0x17, b"0123.456.789"),
            (0x18, b""),
            (0x19, b"EUP-2024-000123"),
            (0x1A, hashlib.sha384(basic_key).digest()),
            (0x1B, b"B"),
            (0x1C, b"C"),
            (0x1D, b"D"),
            (0x1E, b"K"),
            (0x1F, b"16.05.2022"),
        ]
    )


def odd_identity():
    """Legal but unusual (§4.1): leading tag 00 (structure version 2), a one-digit day without
    leading zero, the old 20-byte SHA-1 photo hash, an unknown tag 0x20, zero padding."""
    elements = [(0x00, b"\x00\x02")] + [
        (t, v) for t, v in specimen_elements() if t not in (0x0C, 0x11)
    ]
    elements += [(0x0C, b"1 JAN 1971"), (0x11, hashlib.sha1(b"photo").digest())]
    elements.sort(key=lambda e: e[0])
    elements.append((0x20, b"future tag"))
    return tlv_file(elements, pad_to=240)


# ----------------------------------------------------------------------------------------------
# Address files (spec §4.3, §4.4).

SPECIMEN_ADDRESS_ELEMENTS = [(0x01, b"Specimenstraat 12"), (0x02, b"1000"), (0x03, b"Brussel")]


def address(pad_to, elements=SPECIMEN_ADDRESS_ELEMENTS):
    return tlv_file(elements, pad_to=pad_to)


FRENCH_ADDRESS = [
    (0x01, "Rue de l'\u00c9glise 5".encode() + b"      "),  # trailing spaces, §4.3
    (0x02, b"1050"),
    (0x03, b"Ixelles"),
]

# ----------------------------------------------------------------------------------------------
# GET CARD DATA (spec §9.2).

SERIAL_V1 = h("53 4C 49 4E 33 66 00 29 6C FF 27 8E 44 19 20 25")
SERIAL_17 = h("534C494E3366002A1122334455667788")
SERIAL_18 = h("534C494E3366002B99887766554433FF")

CARD_DATA = {
    "v11": SERIAL_V1 + h("A5 03 01 01 01 11 00 02 00 01 01 0F"),
    "applet17": SERIAL_17 + h("A5 03 01 01 01 17 00 03 00 21 01 0F"),
    "applet17-selectable": SERIAL_17 + h("A5 03 01 01 01 17 00 03 00 21 01 07"),
    "applet18-28": SERIAL_18 + h("A5 03 01 01 01 18 00 01 00 00 02 0F"),
    "applet18-31": SERIAL_18 + h("A5 03 01 01 01 18 00 01 00 00 02 0F 03 FF FF"),
    "applet18-31-pin-not-found": SERIAL_18 + h("A5 03 01 01 01 18 00 01 00 00 02 0F FF FF FF"),
    "applet-v2-test": SERIAL_V1 + h("D0 00 48 01 01 20 00 03 01 0F 02 8A"),
}

# ----------------------------------------------------------------------------------------------
# Other card files.


def token_info(serial, versions):
    """EF(TokenInfo), 41 bytes (spec §11.4)."""
    body = h("02 01 00") + b"\x04\x10" + serial + h("80 06") + b"BELPIC" + h("03 02 04 30")
    body += h("9E 04") + versions
    assert len(body) == 0x27
    return b"\x30\x27" + body


def jpeg(width, height, size, seed):
    """A structurally valid greyscale baseline JPEG of exactly `size` bytes (SOI, APP0 JFIF,
    DQT, SOF0, DHT ×2, SOS, entropy data without FF bytes, EOI), like the card photo (§2.2)."""
    j = bytearray(h("FFD8"))
    j += h("FFE0 0010") + b"JFIF\x00" + h("0101 00 0001 0001 00 00")
    j += h("FFDB 0043 00") + bytes(range(1, 65))
    j += h("FFC0 000B 08") + height.to_bytes(2, "big") + width.to_bytes(2, "big")
    j += h("01 01 11 00")
    for cls in (0x00, 0x10):
        j += h("FFC4 0014") + bytes([cls, 0x01]) + bytes(15) + b"\x00"
    j += h("FFDA 0008 01 01 00 00 3F 00")
    entropy = size - len(j) - 2
    j += bytes(b if b != 0xFF else 0xFE for b in prng(seed, entropy))
    j += h("FFD9")
    assert len(j) == size
    return bytes(j)


def ec_signature(seed):
    """An EC signature file (spec §2.2, §7.2): DER SEQUENCE{r, s} (48-byte integers), then
    zero bytes up to 256."""
    r, s = prng(seed + "r", 48), prng(seed + "s", 48)

    def integer(v):
        v = v.lstrip(b"\x00")
        if v[0] & 0x80:
            v = b"\x00" + v
        return b"\x02" + bytes([len(v)]) + v

    body = integer(r) + integer(s)
    sig = b"\x30" + bytes([len(body)]) + body
    return sig + bytes(256 - len(sig))


def read_der_file(name):
    return (DATA / name).read_bytes()


# ----------------------------------------------------------------------------------------------
# The card model and the read path mirror (transport seeds).

# Shapes, as in src/card/read.rs `plan`.
TLV, DER, CERT, JPEG, TO_END = "tlv", "der", "cert", "jpeg", "to_end"


def plan(file, generation):
    """(shape, first-read guess, fixed length) of a file, as `plan` in src/card/read.rs."""
    if file == "identity":
        return TLV, None, None
    if file == "address":
        return TLV, 117, None
    if file in ("identity_sig", "address_sig"):
        if generation == "17":
            return "fixed", 256, 256
        if generation == "v1":
            return "fixed", 128, 128
        return TO_END, None, None
    if file == "photo":
        return JPEG, None, None
    if file.endswith("_cert"):
        return CERT, None, None
    if file == "token_info":
        return DER, 41, None
    if file == "basic_key":
        return DER, 120, None
    raise ValueError(file)


def files_to_read(generation):
    """src/card/contents.rs `files_to_read`."""
    common = [
        "identity",
        "identity_sig",
        "address",
        "address_sig",
        "photo",
        "token_info",
        "rrn_cert",
        "auth_cert",
        "nonrep_cert",
        "ca_cert",
        "root_cert",
    ]
    return common + ["basic_key"] if generation == "18" else common


def read_file(content, file, generation, chunk=256):
    """The responses a card holding `content` gives to SELECT + the READ BINARYs that
    `BeidCard::read_file_body` sends; `content` None = the file does not exist (6A82)."""
    if content is None:
        return [h("6A82")]
    out = [SW_OK]  # SELECT by path, no FCI (§3.1)
    shape, guess, fixed = plan(file, generation)
    known = fixed
    buf = b""
    while True:
        offset = len(buf)
        assert offset <= 0x7FFF
        if known is not None:
            want = min(known - offset, chunk)
        elif offset == 0:
            want = min(guess or chunk, chunk)
        else:
            want = chunk
        if want == 0:
            break
        if offset >= len(content):  # §3.2: offset outside the EF
            assert offset > 0, file
            out.append(h("6B00"))
            break
        if offset + want > len(content):  # §3.2: 6C xx, then the exact Le
            n = len(content) - offset
            out.append(bytes([0x6C, n]))
            data = content[offset : offset + n]
        else:
            data = content[offset : offset + want]
        out.append(data + SW_OK)
        buf += data
        if len(data) < want:
            break
        if shape == CERT and buf[0] == 0:
            break
        if shape in (CERT, DER) and known is None:
            known = der_len(buf)
        if shape == TLV:
            c = tlv_content_len(buf)
            if c is not None and c < len(buf):
                break
        if shape == JPEG and len(buf) >= len(content):
            break  # the JPEG ends with the file (jpeg_len finds its EOI)
        if known is not None and len(buf) >= known:
            break
    return out


def card_stream(flags, card_data, generation, files, extended=False, t0=False):
    """A complete R-APDU stream: applet SELECT, GET CARD DATA, then every file of
    `files_to_read`. `extended` = answer the 1.8 long GET CARD DATA (sent when flags bit 0
    reports the 1.8 ATR); with bit 0 set and `extended` false the long form is refused
    (`6D 00`) and the short one follows. `t0` = the card data comes by 61xx + GET RESPONSE."""
    responses = [SW_OK]  # 00 A4 04 0C 0F <Belpic AID>
    if flags & 1:
        if extended:
            responses.append(card_data + SW_OK)
            card_data = None
        else:
            responses.append(h("6D00"))
    if card_data is not None:
        short = card_data[:28]
        if t0:
            responses += [bytes([0x61, len(short)]), short + SW_OK]
        else:
            responses.append(short + SW_OK)
    for f in files_to_read(generation):
        responses += read_file(files[f], f, generation)
    out = bytearray([flags])
    for r in responses:
        out += len(r).to_bytes(2, "big") + r
    return bytes(out)


def pad(der, zeros):
    return der + bytes(zeros)


def build_cards():
    rsa = read_der_file("rsa2048-auth.der")
    ec = read_der_file("p384-sign.der")
    ca = read_der_file("citizen-ca.der")
    basic = read_der_file("basic-p384.spki.der")

    photo17 = jpeg(140, 200, 3028, "photo17")  # §2.2: CE-RES photo sizes 2629 and 3028
    photo18 = jpeg(150, 195, 2629, "photo18")  # from 2021 150×195
    photo_v1 = jpeg(140, 200, 2700, "photo-v1")

    # Applet 1.7 (RSA-2048): 256-byte signatures; certificates + 50 zero bytes, missing
    # certificate = 1300 zero bytes (§2.2).
    c17 = {
        "identity": SPECIMEN_IDENTITY,
        "identity_sig": prng("sig-id-17", 256),
        "address": address(117),
        "address_sig": prng("sig-addr-17", 256),
        "photo": photo17,
        "token_info": token_info(SERIAL_17, h("08 03 00 00")),
        "rrn_cert": pad(rsa, 50),
        "auth_cert": pad(rsa, 50),
        "nonrep_cert": pad(rsa, 50),
        "ca_cert": pad(ca, 50),
        "root_cert": pad(ca, 50),
    }
    foreigner17 = dict(c17, identity=foreigner17_identity(photo17), address=address(121))
    kids17 = dict(c17, auth_cert=bytes(1300), nonrep_cert=bytes(1300))

    # Applet 1.8 (P-384): EC signatures padded to 256 (read to the end: 6B00 probe),
    # certificates + 1100 zero bytes (§2.2), basic public key (§7.5).
    c18 = {
        "identity": citizen18_identity(photo18, basic),
        "identity_sig": ec_signature("sig-id-18"),
        "address": address(117, FRENCH_ADDRESS),
        "address_sig": ec_signature("sig-addr-18"),
        "photo": photo18,
        "token_info": token_info(SERIAL_18, h("08 04 00 00")),
        "rrn_cert": pad(ec, 1100),
        "auth_cert": pad(ec, 1100),
        "nonrep_cert": pad(ec, 1100),
        "ca_cert": pad(ca, 1100),
        "root_cert": pad(ca, 1100),
        "basic_key": basic,
    }
    foreigner18 = dict(c18, identity=foreigner18_identity(photo18, basic))
    kids18 = dict(c18, auth_cert=bytes(2500), nonrep_cert=bytes(2500))

    # Applet 1.1 (RSA-1024): 128-byte signatures.
    v1 = dict(
        c17,
        identity=odd_identity(),
        identity_sig=prng("sig-id-v1", 128),
        address_sig=prng("sig-addr-v1", 128),
        photo=photo_v1,
        token_info=token_info(SERIAL_V1, h("04 02 00 00")),
        rrn_cert=rsa,
        auth_cert=rsa,
        nonrep_cert=rsa,
        ca_cert=ca,
        root_cert=ca,
    )
    no_rrn_cert = dict(c17, rrn_cert=None)  # SELECT answers 6A82: optional file

    cd17, cd18s, cd18l = CARD_DATA["applet17"], CARD_DATA["applet18-28"], CARD_DATA["applet18-31"]
    return {
        "applet17-citizen": card_stream(0, cd17, "17", c17),
        "applet17-citizen-observed": card_stream(2, cd17, "17", c17),
        "applet17-foreigner": card_stream(0, cd17, "17", foreigner17),
        "applet17-kids": card_stream(0, cd17, "17", kids17),
        "applet17-t0-get-response": card_stream(0, cd17, "17", c17, t0=True),
        "applet17-no-rrn-cert": card_stream(0, cd17, "17", no_rrn_cert),
        "applet17-atr18-long-refused": card_stream(1, cd17, "17", c17),
        "applet18-citizen": card_stream(1, cd18l, "18", c18, extended=True),
        "applet18-foreigner-observed": card_stream(3, cd18l, "18", foreigner18, extended=True),
        "applet18-kids": card_stream(1, cd18l, "18", kids18, extended=True),
        "applet18-no-atr": card_stream(0, cd18s, "18", c18),
        "applet11-v1": card_stream(0, CARD_DATA["v11"], "v1", v1),
    }, (photo17, photo18, basic)


# ----------------------------------------------------------------------------------------------


def seeds():
    cards, (photo17, photo18, basic) = build_cards()
    assert tlv_file(specimen_elements()) == SPECIMEN_IDENTITY, "TLV encoder vs spec §4.4"
    assert len(SPECIMEN_IDENTITY) == 176

    identities = {
        "specimen-spec-4.4": SPECIMEN_IDENTITY,
        "foreigner-applet17": foreigner17_identity(photo17),
        "citizen-applet18": citizen18_identity(photo18, basic),
        "foreigner-eu-plus-applet18": foreigner18_identity(photo18, basic),
        "leading-tag00-padded": odd_identity(),
    }
    addresses = {
        "specimen-117": address(117),
        "specimen-121": address(121),
        "french-trailing-spaces-117": address(117, FRENCH_ADDRESS),
        "unpadded": address(0),
    }
    long_tlv = {
        "len254": tlv(0x01, b"\xff" * 254),
        "len255": tlv(0x02, b"\xff" * 255),
        "len256": tlv(0x03, b"\xff" * 256),
        "len510": tlv(0x04, b"\xff" * 510),
        "len509-len0-padded": tlv(0x00, b"\x00\x02")
        + tlv(0x05, bytes(range(256)) + bytes(range(253)))
        + tlv(0x06, b"")
        + tlv(0x07, b"\xff" * 255)
        + bytes(16),
    }
    certs = {}
    for der in sorted(DATA.glob("*.der")):
        stem = der.stem.replace(".", "-")
        raw = der.read_bytes()
        certs[stem] = raw
        certs[stem + "-pad50"] = raw + bytes(50)
        certs[stem + "-pad1100"] = raw + bytes(1100)
    certs["absent-1300-zeros"] = bytes(1300)
    certs["absent-2500-zeros"] = bytes(2500)

    corpora = {
        "identity": identities,
        "address": addresses,
        "tlv": dict(
            **{"identity-" + k: v for k, v in identities.items()},
            **{"address-" + k: v for k, v in addresses.items()},
            **long_tlv,
        ),
        "card_data": CARD_DATA,
        "certificate": certs,
        "transport": cards,
    }
    return corpora


def main():
    check = "--check" in sys.argv[1:]
    differ = []
    for target, files in seeds().items():
        d = CORPUS / target
        d.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            p = d / ("seed-" + name)
            if check:
                if not p.exists() or p.read_bytes() != data:
                    differ.append(str(p))
            else:
                p.write_bytes(data)
        if not check:
            print(f"{target}: {len(files)} seeds")
    if check and differ:
        print("seeds differ from seeds.py:", *differ, sep="\n  ")
        sys.exit(1)


if __name__ == "__main__":
    main()
