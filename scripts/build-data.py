#!/usr/bin/env python3
"""Regenerates tracker-core's bundled data files from the raw public tables in ../shared/data.

    python3 scripts/build-data.py [--shared ../shared/data]

The outputs are committed; the Maven build never runs this and never reads ../shared.
Every choice and fix made here is explained in docs/DATA.md. Python 3 standard library only.
"""
import argparse
import csv
import io
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tracker-core", "src", "main", "resources", "io", "mlco2", "tracker", "data")
# The JSON tables: the same rows, read only by the tests (which check the agent's .tsv/.idx files against them).
JSON_OUT = os.path.join(ROOT, "tracker-core", "src", "test", "resources", "io", "mlco2", "tracker", "data")
TEST_OUT = os.path.join(JSON_OUT, "raw")

LBS_PER_MWH_TO_G_PER_KWH = 0.45359237  # 1 lb = 0.45359237 kg; kg/MWh == g/kWh

# ISO 3166-1 alpha-2 codes missing from both carbontracker's and Eco2AI's tables (facts, not data).
EXTRA_ALPHA2 = {"SHN": "SH", "TLS": "TL"}

CANADA_CODES = {
    "alberta": "AB", "british columbia": "BC", "manitoba": "MB", "new brunswick": "NB",
    "newfoundland and labrador": "NL", "northwest territories": "NT", "nova scotia": "NS", "nunavut": "NU",
    "ontario": "ON", "prince edward island": "PE", "quebec": "QC", "saskatchewan": "SK", "yukon": "YT",
}
# canada_energy_mix.json source -> key in carbon_intensity_per_source.json. biomass and "other" have no factor
# there and are left out of the weighted average (the mean is renormalised over the shares that have one).
CANADA_SOURCE_FACTOR = {
    "naturalGas": "natural_gas", "petroleum": "petroleum", "coal": "coal", "nuclear": "nuclear",
    "hydro": "hydroelectricity", "tidal": "hydroelectricity", "wind": "wind", "solar": "solar",
}

PROVIDER_LABEL = {"aws": "AWS", "gcp": "GCP", "azure": "Azure", "ovh": "OVHcloud", "scaleway": "Scaleway",
                  "coreweave": "CoreWeave", "seeweb": "Seeweb"}
# Green Algorithms' provider names -> our provider ids
PUE_PROVIDER = {"unknown": "unknown", "gcp": "gcp", "aws": "aws", "azure": "azure", "ovhcloud": "ovh",
                "oracle": "oracle"}

# GPUs missing from the calculator's gpus.csv, from the vendor's public datasheets.
EXTRA_GPUS = [
    {"name": "H200 SXM", "type": "gpu", "tdp_watts": 700.0,
     "source": "https://www.nvidia.com/en-us/data-center/h200/ (NVIDIA H200 datasheet: H200 SXM max TDP 700 W)",
     "note": "added by mlco2-agent: not in mlco2/impact gpus.csv"},
    {"name": "H200 NVL", "type": "gpu", "tdp_watts": 600.0,
     "source": "https://www.nvidia.com/en-us/data-center/h200/ (NVIDIA H200 datasheet: H200 NVL max TDP 600 W)",
     "note": "added by mlco2-agent: not in mlco2/impact gpus.csv"},
    {"name": "H100 PCIe", "type": "gpu", "tdp_watts": 350.0,
     "source": "https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet (H100 PCIe 350 W)",
     "note": "added by mlco2-agent: not in mlco2/impact gpus.csv"},
]


def read_csv(path, skip_first_row=False):
    with open(path, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    rows = list(csv.reader(io.StringIO(text)))
    if skip_first_row:
        rows = rows[1:]
    header = [h.strip() for h in rows[0]]
    return header, rows[1:]


def dict_rows(path, skip_first_row=False):
    header, rows = read_csv(path, skip_first_row)
    return [dict(zip(header, (c.strip() for c in r))) for r in rows if any(c.strip() for c in r)]


def place(id_, kind, display, country, iso2, iso3, sub, provider, region, grams, offset, source):
    return {"id": id_, "kind": kind, "display_name": display, "country_name": country, "country_iso2": iso2,
            "country_iso3": iso3, "sub_region": sub, "cloud_provider": provider, "cloud_region": region,
            "grams_per_kwh": round(grams, 4), "offset_ratio_percent": offset, "source": source}


def countries(shared):
    mix = json.load(open(os.path.join(shared, "codecarbon", "private_infra__global_energy_mix.json")))
    alpha2 = {}
    for r in dict_rows(os.path.join(shared, "eco2ai", "carbon_index.csv")):
        if r["alpha_3_code"] and r["alpha_2_code"] and r["region"] == "Whole country":
            alpha2[r["alpha_3_code"]] = r["alpha_2_code"]
    for r in dict_rows(os.path.join(shared, "carbontracker", "carbon-intensities.csv")):
        alpha2[r["Code"]] = r["alpha-2"]  # carbontracker wins where both have one
    alpha2.update(EXTRA_ALPHA2)
    out = []
    for iso3, c in sorted(mix.items()):
        if iso3 not in alpha2:
            sys.exit("no alpha-2 code for " + iso3)
        out.append(place(alpha2[iso3], "country", c["country_name"], c["country_name"], alpha2[iso3], iso3, "",
                         "", "", float(c["carbon_intensity"]), 0,
                         "Our World in Data / Ember %d (CodeCarbon global_energy_mix.json)" % c["year"]))
    return out


def us_states(shared):
    data = json.load(open(os.path.join(shared, "codecarbon", "private_infra__2016__usa_emissions.json")))
    out = []
    for name, v in sorted(data.items()):
        if name in ("_unit", "usa"):
            continue
        code = v["regionCode"]
        out.append(place("US-" + code, "us-state", name.title().replace(" Of ", " of ") + " (US)", "United States",
                         "US", "USA", name, "", "", v["emissions"] * LBS_PER_MWH_TO_G_PER_KWH, 0,
                         "US EPA eGRID 2016 (%s lbs/MWh x 0.45359237; CodeCarbon usa_emissions.json)" % v["emissions"]))
    return out


def canada(shared):
    mix = json.load(open(os.path.join(shared, "codecarbon", "private_infra__2023__canada_energy_mix.json")))
    factors = json.load(open(os.path.join(shared, "codecarbon", "private_infra__carbon_intensity_per_source.json")))
    out = []
    for name, shares in sorted(mix.items()):
        weighted = sum(shares[s] * factors[f] for s, f in CANADA_SOURCE_FACTOR.items())
        covered = sum(shares[s] for s in CANADA_SOURCE_FACTOR)
        out.append(place("CA-" + CANADA_CODES[name], "ca-province", name.title() + " (Canada)", "Canada", "CA",
                         "CAN", name, "", "", weighted / covered, 0,
                         "2023 generation mix x per-source factors (CodeCarbon canada_energy_mix.json, "
                         "carbon_intensity_per_source.json); biomass/other shares excluded"))
    return out


def nordic(shared):
    data = json.load(open(os.path.join(shared, "codecarbon", "private_infra__nordic_emissions.json")))
    out = []
    for zone, v in sorted(data["data"].items()):
        if zone == "FI":
            continue  # Finland is one bidding zone: the country code FI already names it (see docs/DATA.md)
        country, iso2, iso3 = {"SE": ("Sweden", "SE", "SWE"), "NO": ("Norway", "NO", "NOR")}[zone[:2]]
        out.append(place(zone, "nordic-zone", v["description"], country, iso2, iso3, zone.lower(), "", "",
                         float(v["emission_factor"]), 0,
                         "ENTSO-E historical average %d (CodeCarbon nordic_emissions.json)" % v["year"]))
    return out


def cloud(shared, by_name):
    out = []
    seen = set()
    for r in dict_rows(os.path.join(shared, "mlco2-impact", "impact.csv")):
        provider, region, state, city = r["provider"], r["region"], r["state"], r["city"]
        if provider == "scaleway" and region == "":
            region = "fr-par"  # the calculator leaves the id empty; fr-par is Scaleway's id for Paris
        if provider == "coreweave" and region == "LAS1" and state == "Las Vegas":
            state, city = "Nevada", "Las Vegas"  # state and city swapped in the calculator's row
        iso3 = by_name[r["country"].lower()]
        c = by_iso3_place[iso3]
        label = ", ".join(x for x in (r["regionName"], city) if x)
        out.append(place(provider + ":" + region, "cloud", "%s %s (%s)" % (PROVIDER_LABEL[provider], region, label),
                         c["country_name"], c["country_iso2"], iso3, state.lower(), provider, region,
                         float(r["impact"]), int(r["offsetRatio"]),
                         "ML CO2 Impact calculator impact.csv: " + r["source"]))
        seen.add((provider, region))
    for r in dict_rows(os.path.join(shared, "codecarbon", "cloud__impact.csv")):
        provider, region = r["provider"], r["region"]
        if region == "me-cenrtal1":
            region = "me-central1"  # typo in CodeCarbon's table
        if (provider, region) in seen:
            continue  # the calculator's value is kept: see docs/DATA.md
        c = by_iso3_place[r["countryIsoCode"]]
        out.append(place(provider + ":" + region, "cloud", "%s %s (%s)" % (PROVIDER_LABEL[provider], region, r["city"]),
                         c["country_name"], c["country_iso2"], r["countryIsoCode"],
                         r["state"].lower() if r["state"] != r["country_name"] else "", provider, region,
                         float(r["impact"]), int(r["offsetRatio"]),
                         "Google region carbon data via CodeCarbon cloud/impact.csv (not in the calculator): "
                         + r["source"]))
    return out


def pue(shared):
    out = []
    for r in dict_rows(os.path.join(shared, "green-algorithms", "defaults_PUE.csv"), skip_first_row=True):
        out.append({"provider": PUE_PROVIDER[r["provider"].lower()], "pue": float(r["PUE"]),
                    "source": "Green Algorithms defaults_PUE.csv (CC BY 4.0): " + r["source"]})
    return out


def gpus(shared):
    header, rows = read_csv(os.path.join(shared, "mlco2-impact", "gpus.csv"))
    out = []
    for r in rows:
        r = [c.strip() for c in r]
        note = ""
        if len(r) == len(header) - 1 and r[0] == "A10G":
            r = r[:5] + [""] + r[5:]  # one of the FLOPS cells is missing; memory (24) and source then line up
            note = "row repaired: one column missing in gpus.csv"
        if len(r) != len(header):
            sys.exit("gpus.csv: unexpected row " + repr(r))
        d = dict(zip(header, r))
        out.append({"name": d["name"], "type": d["type"], "tdp_watts": float(d["tdp_watts"]),
                    "source": d["source"], "note": note})
    names = {g["name"] for g in out}
    out += [g for g in EXTRA_GPUS if g["name"] not in names]
    return out


def cpus(shared):
    out = {}
    for r in dict_rows(os.path.join(shared, "codecarbon", "hardware__cpu_power.csv")):
        try:
            tdp = float(r["TDP"])
        except ValueError:
            continue  # ranges run together like "27.29.5": ambiguous, dropped (docs/DATA.md)
        # Two names end in a zero-width space (U+200B): invisible, and it made the whole index a UTF-16 string
        # in the agent (twice the memory, slower scans). Dropped; the tokens are the same (docs/DATA.md).
        name = r["Name"].replace("\u200b", "").strip()
        key = name.lower()
        if key not in out or tdp > out[key]["tdp_watts"]:
            out[key] = {"name": name, "tdp_watts": tdp}
    return sorted(out.values(), key=lambda c: c["name"].lower())


# The agent's name matching (tracker-core hardware/NameMatcher.java), written out here so that the agent does not
# run its regular expressions over 4,898 CPU names at start-up; NameMatcherTokensTest checks every row against Java.
_WS = r"[ \t\n\x0b\f\r]"  # Java's \s
_NOISE = re.compile(r"\((r|tm|c)\)|®|™|@" + _WS + r"*[0-9.]+" + _WS + r"*[gm]hz|\b[0-9]+-core\b"
                    r"|\bwith radeon[a-z0-9 ]*graphics\b|\b(cpu|processor|nvidia|geforce|tesla|corporation|inc)\b")
_SEPARATORS = re.compile(r"[^a-z0-9./+]+")
_SPACED_GB = re.compile(r"([0-9])" + _WS + r"+gb\b")
_TRIM = re.compile(r"^[./+]+|[./]+$")


def is_model_token(t):
    return any(c.isdigit() for c in t) and not re.fullmatch(r"[0-9]+(/[0-9]+)?gb", t)


def write_cpu_index(records):
    """cpus.tsv: name, TDP, the name's tokens and its model-number tokens (space-separated), one row per line.

    What the agent reads at start-up instead of cpus.json (same rows, same order): no JSON, no regex per row.
    """
    path = os.path.join(OUT, "cpus.tsv")
    with open_latin1(path) as f:
        f.write("# generated by scripts/build-data.py from cpus.json's rows: name, tdp_watts, tokens, model tokens\n")
        for c in records:
            if any(ch in c["name"] for ch in "\t\n\r"):
                sys.exit("CPU name with a tab or line break: %r" % c["name"])
            tokens = name_tokens(c["name"])
            f.write("%s\t%r\t%s\t%s\n" % (c["name"], c["tdp_watts"], " ".join(tokens),
                                          " ".join(t for t in tokens if is_model_token(t))))
    print("wrote %s (%d cpus)" % (os.path.relpath(path, ROOT), len(records)))
    write_cpu_lookup(path)


def write_cpu_lookup(tsv_path):
    """cpus.idx: for each row of cpus.tsv, its offset filed under one of its model tokens (the rarest in the table),
    rows without one under the empty token; lines "token<TAB>offset offset ...", sorted by token.

    A row can only match a CPU name when all its model tokens are in the name's (NameMatcher), so looking up the
    name's model tokens finds every candidate: the agent binary-searches this instead of scanning 4,898 rows.
    Offsets are character positions in cpus.tsv (ISO-8859-1: one byte per character, and one Java char each).
    """
    with open(tsv_path, encoding=TSV_ENCODING) as f:
        text = f.read()
    rows = []
    pos = 0
    for line in text.split("\n"):
        if line and not line.startswith("#"):
            models = line.split("\t")[3].split(" ") if line.split("\t")[3] else []
            rows.append((pos, models))
        pos += len(line) + 1
    freq = {}
    for _, models in rows:
        for t in set(models):
            freq[t] = freq.get(t, 0) + 1
    by_token = {}
    for offset, models in rows:
        key = min(models, key=lambda t: (freq[t], t)) if models else ""
        by_token.setdefault(key, []).append(offset)
    path = os.path.join(OUT, "cpus.idx")
    with open_latin1(path) as f:
        for token in sorted(by_token):
            if any(ch in token for ch in "\t\n\r #"):
                sys.exit("model token with a separator: %r" % token)
            f.write("%s\t%s\n" % (token, " ".join(str(o) for o in by_token[token])))
    print("wrote %s (%d tokens)" % (os.path.relpath(path, ROOT), len(by_token)))


def name_tokens(name):
    s = name.lower()
    s = _NOISE.sub(" ", s)
    s = _SPACED_GB.sub(r"\1gb", s)
    s = _SEPARATORS.sub(" ", s).strip(" ")
    if not s:
        return []
    return [t for t in (_TRIM.sub("", t) for t in s.split(" ")) if t]


def write_json(name, meta, key, records):
    path = os.path.join(JSON_OUT, name)
    lines = ",\n".join("  " + json.dumps(x, ensure_ascii=False, sort_keys=False) for x in records)
    head = json.dumps(meta, ensure_ascii=False)[:-1]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(head + ',\n "' + key + '": [\n' + lines + "\n]}\n")
    print("wrote %s (%d %s)" % (os.path.relpath(path, ROOT), len(records), key))


by_iso3_place = {}


REGION_FIELDS = ["id", "kind", "display_name", "country_name", "country_iso2", "country_iso3", "sub_region",
                 "cloud_provider", "cloud_region", "grams_per_kwh", "offset_ratio_percent", "source"]


TSV_ENCODING = "iso-8859-1"


class _Latin1Writer:
    """A text file written in ISO-8859-1 (what the agent's Tsv.resourceText decodes: a copy of the bytes, with no
    per-byte scan on a cold JVM, docs/PERFORMANCE.md); a character outside it stops the build naming it."""

    def __init__(self, path):
        self.path = path
        self.f = open(path, "w", encoding=TSV_ENCODING, newline="\n")
        self.line = 1

    def write(self, text):
        try:
            self.f.write(text)
        except UnicodeEncodeError as e:
            self.f.close()
            os.remove(self.path)
            sys.exit("%s line %d: %r is not in ISO-8859-1, the encoding of the agent's tables (Tsv.resourceText); "
                     "reading it needs a change there" % (os.path.basename(self.path), self.line,
                                                            e.object[e.start:e.end]))
        self.line += text.count("\n")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not self.f.closed:
            self.f.close()


def open_latin1(path):
    return _Latin1Writer(path)


def write_tsv(name, fields, records, what):
    """A tab-separated copy of a JSON table's rows (fields in this order), read by the agent at start-up instead
    of the JSON (tests check both agree)."""
    path = os.path.join(OUT, name)
    with open_latin1(path) as f:
        f.write("# generated by scripts/build-data.py: " + ", ".join(fields) + "\n")
        for r in records:
            values = [r[k] for k in fields]
            for v in values:
                if isinstance(v, str) and any(ch in v for ch in "\t\n\r"):
                    sys.exit("%s field with a tab or line break: %r" % (name, v))
            f.write("\t".join(repr(v) if isinstance(v, float) else str(v) for v in values) + "\n")
    print("wrote %s (%d %s)" % (os.path.relpath(path, ROOT), len(records), what))


# ---- CPU power models where there is no counter (docs/MODELS.md) ----------------------------------------------
# Cloud Carbon Footprint's microarchitecture lists (ccf-coefficients/data__<vendor>-<family>.csv) -> the
# architecture names of its coefficient files. Arm lists (amd-neoverse-n1) are left out: no coefficient row names them.
CCF_ARCH_FILES = {
    "intel-broadwell": "Broadwell", "intel-cascadelake": "Cascade Lake", "intel-coffeelake": "Coffee Lake",
    "intel-emeraldrapids": "Emerald Rapids", "intel-graniterapids": "Granite Rapids", "intel-haswell": "Haswell",
    "intel-icelake": "Ice Lake", "intel-ivybridge": "Ivy Bridge", "intel-sandybridge": "Sandy Bridge",
    "intel-sapphirerapids": "Sapphire Rapids", "intel-skylake": "Skylake", "intel-skylake-server": "Skylake",
    "intel-skylake-client": "Skylake", "amd-epyc-gen1": "EPYC 1st Gen", "amd-epyc-gen2": "EPYC 2nd Gen",
    "amd-epyc-gen3": "EPYC 3rd Gen", "amd-epyc-gen4": "EPYC 4th Gen", "amd-epyc-gen5": "EPYC 5th Gen",
}
TEADS_FIELDS = ["instance_type", "vcpus", "platform_vcpus", "platform_cpu", "memory_gb",
                "pkg_watts_idle", "pkg_watts_10", "pkg_watts_50", "pkg_watts_100",
                "ram_watts_idle", "ram_watts_10", "ram_watts_50", "ram_watts_100"]


def cpu_name_tokens(name):
    """The tokens the agent's CpuArchitectures compares (lower case, without (R)/(TM) and what follows '@')."""
    name = re.sub(r"\((r|tm)\)", " ", name.lower()).split("@")[0]
    return [t for t in re.split(r"[\s,]+", name) if t]


def ccf_architectures(shared):
    """Every CPU model of CCF's lists with its architecture; a model in two lists must name one architecture."""
    d = os.path.join(shared, "ccf-coefficients")
    out, seen = [], {}
    for key in sorted(CCF_ARCH_FILES):
        arch = CCF_ARCH_FILES[key]
        with open(os.path.join(d, "data__%s.csv" % key), encoding="utf-8") as f:
            for line in f:
                model = line.strip()
                t = " ".join(cpu_name_tokens(model))
                if not t or not re.search(r"[0-9]", t):
                    continue
                if t in seen:
                    if seen[t] != arch:
                        sys.exit("CPU %r is in two CCF architectures: %s, %s" % (model, seen[t], arch))
                    continue
                seen[t] = arch
                out.append({"model": t, "architecture": arch})
    return out


def ccf_coefficients(shared):
    rows = []
    for cloud in ("aws", "gcp", "azure"):
        for r in dict_rows(os.path.join(shared, "ccf-coefficients", "output__coefficients-%s-use.csv" % cloud)):
            rows.append({"cloud": cloud, "architecture": r["Architecture"],
                         "min_watts_per_vcpu": float(r["Min Watts"]), "max_watts_per_vcpu": float(r["Max Watts"])})
    return rows


def specpower_bands(shared, archs):
    """Per architecture, the 10th and 90th percentiles (nearest rank) of the SPECpower servers' watts per thread at
    active idle and at 100 %, the servers matched to an architecture through CCF's lists (longest model found)."""
    by_tokens = {tuple(a["model"].split(" ")): a["architecture"] for a in archs}
    per = {}
    for r in dict_rows(os.path.join(shared, "ccf-coefficients", "data__SPECpower-2026-03-09.csv")):
        arch = architecture_of(r["CPU Description"], by_tokens)
        threads = float(r["Total Threads"] or 0)
        if arch is None or threads <= 0:
            continue
        per.setdefault(arch, []).append((float(r["avg. watts @ active idle"]) / threads,
                                         float(r["avg. watts @ 100%"]) / threads))
    out = []
    for arch in sorted(per):
        v = per[arch]
        idle = sorted(x[0] for x in v)
        full = sorted(x[1] for x in v)
        q = lambda xs, p: xs[int(p * (len(xs) - 1))]
        out.append({"architecture": arch, "servers": len(v), "idle_p10": q(idle, 0.1), "idle_p90": q(idle, 0.9),
                    "full_p10": q(full, 0.1), "full_p90": q(full, 0.9)})
    return out


def architecture_of(cpu_name, by_tokens):
    q = cpu_name_tokens(cpu_name)
    best = None
    for t, arch in by_tokens.items():
        n = len(t)
        for i in range(len(q) - n + 1):
            if tuple(q[i:i + n]) == t and (best is None or len(" ".join(t)) > best[0]):
                best = (len(" ".join(t)), arch)
    return None if best is None else best[1]


def teads_instances(shared):
    """Teads' EC2 rows (decimal commas read as points)."""
    num = lambda s: float(s.replace(",", "."))
    out = []
    for r in dict_rows(os.path.join(shared, "ccf-coefficients", "data__aws-instances.csv")):
        try:
            row = {"instance_type": r["Instance type"], "vcpus": int(r["Instance vCPU"]),
                   "platform_vcpus": int(r["Platform Total Number of vCPU"]), "platform_cpu": r["Platform CPU Name"],
                   "memory_gb": num(r["Instance Memory (in GB)"])}
            for k, col in (("pkg", "PkgWatt"), ("ram", "RAMWatt")):
                for p, c in (("idle", "Idle"), ("10", "10%"), ("50", "50%"), ("100", "100%")):
                    row["%s_watts_%s" % (k, p)] = num(r["%s @ %s" % (col, c)])
        except (ValueError, KeyError):
            continue  # a row without numbers (none at this commit)
        out.append(row)
    return out


def cpu_platforms(shared):
    """Threads per package of known server CPUs: CCF's AWS platforms (vCPUs / sockets), then Green Algorithms'
    TDP_cpu.csv (2 threads per core)."""
    out = []
    for r in dict_rows(os.path.join(shared, "ccf-coefficients", "data__aws-instances-cpus.csv")):
        out.append({"model": r["CPU Name"], "threads_per_package": int(r["Total Number of vCPU per socket"]),
                    "source": "ccf aws-instances-cpus"})
    for r in dict_rows(os.path.join(shared, "green-algorithms", "TDP_cpu.csv"), skip_first_row=True):
        try:
            cores = int(float(r["n_cores"]))
        except ValueError:
            continue
        if cores > 0 and not any(o["model"] == r["model"] for o in out):
            out.append({"model": r["model"], "threads_per_package": 2 * cores, "source": "green-algorithms TDP_cpu"})
    return out


def cpu_power_tables(shared):
    archs = ccf_architectures(shared)
    write_tsv("cpu-architectures.tsv", ["model", "architecture"], archs, "CPU models")
    write_tsv("ccf-coefficients.tsv", ["cloud", "architecture", "min_watts_per_vcpu", "max_watts_per_vcpu"],
              ccf_coefficients(shared), "coefficient rows")
    write_tsv("specpower-bands.tsv", ["architecture", "servers", "idle_p10", "idle_p90", "full_p10", "full_p90"],
              specpower_bands(shared, archs), "architectures")
    teads = teads_instances(shared)
    write_tsv("teads-instances.tsv", TEADS_FIELDS, teads, "EC2 instance types")
    # The memory model's band: Teads' RAM watts per GB of the EC2 instances, 10th percentile at idle to 90th at
    # 100 % (nearest rank)
    idle = sorted(t["ram_watts_idle"] / t["memory_gb"] for t in teads if t["memory_gb"] > 0)
    full = sorted(t["ram_watts_100"] / t["memory_gb"] for t in teads if t["memory_gb"] > 0)
    write_tsv("ram-band.tsv", ["instances", "idle_p10_watts_per_gb", "full_p90_watts_per_gb"],
              [{"instances": len(idle), "idle_p10_watts_per_gb": idle[int(0.1 * (len(idle) - 1))],
                "full_p90_watts_per_gb": full[int(0.9 * (len(full) - 1))]}], "band")
    write_tsv("cpu-platforms.tsv", ["model", "threads_per_package", "source"], cpu_platforms(shared), "CPUs")
    # byte-identical copies the tests compute their expected watts from
    d = os.path.join(shared, "ccf-coefficients")
    for f in ["output__coefficients-%s-use.csv" % c for c in ("aws", "gcp", "azure")] + [
            "data__aws-instances.csv", "data__aws-instances-cpus.csv", "data__SPECpower-2026-03-09.csv",
            "data__intel-cascadelake.csv", "data__intel-skylake.csv", "data__amd-epyc-gen2.csv", "data__amd-epyc-gen3.csv"]:
        with open(os.path.join(d, f), "rb") as src, open(os.path.join(TEST_OUT, "ccf-" + f), "wb") as dst:
            dst.write(src.read())
    with open(os.path.join(shared, "green-algorithms", "TDP_cpu.csv"), "rb") as src, \
            open(os.path.join(TEST_OUT, "green-algorithms-TDP_cpu.csv"), "wb") as dst:
        dst.write(src.read())
    print("copied CCF's coefficients, Teads' EC2 table, SPECpower and Green Algorithms' TDP_cpu.csv to",
          os.path.relpath(TEST_OUT, ROOT))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "data"))
    shared = ap.parse_args().shared
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(TEST_OUT, exist_ok=True)

    c = countries(shared)
    for p in c:
        by_iso3_place[p["country_iso3"]] = p
    by_name = {p["country_name"].lower(): p["country_iso3"] for p in c}
    by_name["usa"] = "USA"
    places = c + us_states(shared) + canada(shared) + nordic(shared) + cloud(shared, by_name)
    ids = [p["id"].lower() for p in places]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        sys.exit("duplicate region ids: %s" % sorted(dupes))

    generated = "generated by scripts/build-data.py from ../shared/data; see docs/DATA.md and NOTICE"
    write_json("regions.json", {"generated": generated, "unit": "gCO2e/kWh",
                                "world_average_grams_per_kwh": 475,
                                "world_average_source": "IEA 2019 (CodeCarbon carbon_intensity_per_source.json)"},
               "regions", places)
    write_tsv("regions.tsv", REGION_FIELDS, places, "regions")
    pue_rows = pue(shared)
    write_json("pue.json", {"generated": generated}, "pue", pue_rows)
    write_tsv("pue.tsv", ["provider", "pue"], pue_rows, "pue")
    gpu_rows = gpus(shared)
    write_json("gpus.json", {"generated": generated, "unit": "W"}, "gpus", gpu_rows)
    write_tsv("gpus.tsv", ["name", "type", "tdp_watts", "source"], gpu_rows, "gpus")
    cpu_rows = cpus(shared)
    write_json("cpus.json", {"generated": generated, "unit": "W",
                             "source": "CodeCarbon hardware/cpu_power.csv (MIT)"}, "cpus", cpu_rows)
    write_cpu_index(cpu_rows)
    # byte-identical copies of the calculator's tables for the test that reproduces the calculator
    for f in ("impact.csv", "gpus.csv"):
        with open(os.path.join(shared, "mlco2-impact", f), "rb") as src, \
                open(os.path.join(TEST_OUT, "mlco2-impact-" + f), "wb") as dst:
            dst.write(src.read())
    print("copied the calculator's impact.csv and gpus.csv to", os.path.relpath(TEST_OUT, ROOT))
    cpu_power_tables(shared)


if __name__ == "__main__":
    main()
