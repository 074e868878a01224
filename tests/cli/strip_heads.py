#!/usr/bin/env python3
"""Copies a safetensors file without the tensors whose names contain a given
substring (e.g. the early-exit off-ramps "highway."), as a checkpoint that
lacks those heads would be. Usage: strip_heads.py IN OUT SUBSTRING"""
import json
import struct
import sys

src, dst, drop = sys.argv[1], sys.argv[2], sys.argv[3]
with open(src, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
out_header, chunks, offset = {}, [], 0
for name, info in header.items():
    if name == "__metadata__":
        out_header[name] = info
        continue
    if drop in name:
        continue
    begin, end = info["data_offsets"]
    chunks.append(data[begin:end])
    out_header[name] = dict(info, data_offsets=[offset, offset + end - begin])
    offset += end - begin
blob = json.dumps(out_header).encode()
blob += b" " * (-len(blob) % 8)
with open(dst, "wb") as f:
    f.write(struct.pack("<Q", len(blob)) + blob + b"".join(chunks))
