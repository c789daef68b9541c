"""Just enough protobuf to read the few fields mlsquiz needs from Anki's schema-18 blobs."""


def _varint(raw: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(raw):
            raise ValueError("truncated protobuf varint")
        byte = raw[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7
        if shift > 63:
            raise ValueError("protobuf varint too long")


def fields(raw: bytes):
    """(field number, value) pairs: ints for varints, bytes for length-delimited fields; fixed widths skipped."""
    at = 0
    while at < len(raw):
        key, at = _varint(raw, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(raw, at)
        elif wire == 2:
            length, at = _varint(raw, at)
            value, at = raw[at:at + length], at + length
            if at > len(raw):
                raise ValueError("truncated protobuf field")
        elif wire in (1, 5):
            at += 8 if wire == 1 else 4
            continue
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield number, value


def first(raw: bytes, number: int, default=None):
    return next((value for n, value in fields(raw or b"") if n == number), default)
