#!/usr/bin/env python3
"""Completes package-lock.json with the other platforms' optional binaries of Biome and anvil.

The npm registry this project is built against serves only Linux builds of these packages, so
npm leaves the other platforms out of the lockfile, and `npm ci` then refuses the lockfile
("Missing: … from lock file"). This adds those entries with their os/cpu/libc constraints, as a
full registry would record them; npm skips them on a non-matching platform and fetches them
(same version as their parent) where they match. Run after any `npm install` that rewrites the
lockfile: python3 scripts/lock-platforms.py
"""
import json
import pathlib

LOCK = pathlib.Path(__file__).resolve().parent.parent / "package-lock.json"

# package suffix -> (os, cpu, libc or None)
BIOME = {
    "android-arm64": ("android", "arm64", None), "android-x64": ("android", "x64", None),
    "darwin-arm64": ("darwin", "arm64", None), "darwin-x64": ("darwin", "x64", None),
    "linux-arm64": ("linux", "arm64", "glibc"), "linux-arm64-musl": ("linux", "arm64", "musl"),
    "linux-x64": ("linux", "x64", "glibc"), "linux-x64-musl": ("linux", "x64", "musl"),
    "win32-arm64": ("win32", "arm64", None), "win32-x64": ("win32", "x64", None),
}
ANVIL = {
    "darwin-amd64": ("darwin", "x64", None), "darwin-arm64": ("darwin", "arm64", None),
    "linux-amd64": ("linux", "x64", None), "linux-arm64": ("linux", "arm64", None),
    "win32-amd64": ("win32", "x64", None),
}

lock = json.loads(LOCK.read_text())
packages = lock["packages"]
added = []
for parent, prefix, table, extra in (
    ("@biomejs/biome", "@biomejs/cli-", BIOME, {"license": "MIT OR Apache-2.0", "engines": {"node": ">=14.21.3"}}),
    ("@foundry-rs/anvil", "@foundry-rs/anvil-", ANVIL, {"license": "MIT OR Apache-2.0", "bin": {"anvil": "bin/anvil"}}),
):
    parent_entry = packages.get(f"node_modules/{parent}")
    if not parent_entry:
        continue
    for dep, version in parent_entry.get("optionalDependencies", {}).items():
        key = f"node_modules/{dep}"
        if key in packages:
            continue
        os_, cpu, libc = table[dep[len(prefix):]]
        entry = {"version": version, "cpu": [cpu], "dev": True}
        if libc:
            entry["libc"] = [libc]
        entry.update({"license": extra["license"], "optional": True, "os": [os_]})
        for k in ("bin", "engines"):
            if k in extra:
                entry[k] = extra[k]
        packages[key] = entry
        added.append(dep)

root = packages.pop("")
lock["packages"] = {"": root, **dict(sorted(packages.items()))}
LOCK.write_text(json.dumps(lock, indent=2) + "\n")
print(f"lock-platforms: added {len(added)} entries" + (f": {', '.join(added)}" if added else ""))
