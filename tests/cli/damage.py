#!/usr/bin/env python3
"""Damage a database table file for the tests, in place.

    damage.py flip FILE       every 61st byte xor 0x5a
    damage.py truncate FILE   cut to a third of its size
"""
import os
import sys


def main():
    how, path = sys.argv[1], sys.argv[2]
    if how == "truncate":
        os.truncate(path, os.path.getsize(path) // 3)
    elif how == "flip":
        with open(path, "r+b") as f:
            b = bytearray(f.read())
            for i in range(0, len(b), 61):
                b[i] ^= 0x5a
            f.seek(0)
            f.write(b)
    else:
        sys.exit("damage.py: flip or truncate, not " + how)


if __name__ == "__main__":
    main()
