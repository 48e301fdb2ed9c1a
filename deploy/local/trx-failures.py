#!/usr/bin/env python3
"""Prints every failed test of the given TRX files with the first lines of its message.

deploy/test.sh runs it just before its closing "N passed, N failed" line, so the end of a CI log
always names what failed (a log is often read from its tail)."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}

for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        print(f"(could not read {path}: {error})")
        continue
    for result in root.iterfind(".//t:UnitTestResult", NS):
        if result.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"):
            continue
        print(f"FAILED {result.get('testName')} [{result.get('duration')}]")
        message = result.find("t:Output/t:ErrorInfo/t:Message", NS)
        stack = result.find("t:Output/t:ErrorInfo/t:StackTrace", NS)
        for text, limit in ((message, 12), (stack, 8)):
            if text is not None and text.text:
                for line in text.text.strip().splitlines()[:limit]:
                    print(f"    {line}")
