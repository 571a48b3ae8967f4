"""Writes consensus-spec-tests style vectors from the eth2spec 0.12.2 test functions, set up
by spec_setup to behave as v0.12.3, for the handlers the shared copy of the vectors lacks.

It follows the official v0.12 generator: each test function called with generator_mode=True
yields (name, kind, value) parts; "ssz" becomes <name>.ssz (raw, no snappy), "data"
<name>.yaml and "meta" goes into meta.yaml. A case that yields nothing (the test is not
defined for the fork) or raises is removed, as the official gen_runner does.

Not producible: cases with a chunk challenge response. The wheel's CustodyChunkResponse.branch
has CUSTODY_RESPONSE_DEPTH entries and v0.12.3's one more, an SSZ container change.
"""
import argparse
import importlib
import shutil
import sys
import time
import traceback
from inspect import getmembers, isfunction
from pathlib import Path

import spec_setup

# (fork, runner, handler, [test modules])
JOBS = [
    ('phase1', 'sanity', 'slots', ['eth2spec.test.phase0.sanity.test_slots']),
    ('phase1', 'sanity', 'blocks', ['eth2spec.test.phase0.sanity.test_blocks',
                                    'eth2spec.test.phase1.sanity.test_blocks']),
    ('phase1', 'finality', 'finality', ['eth2spec.test.phase0.finality.test_finality']),
    # Declared @with_phases([PHASE0]), so for phase1 they yield nothing; kept so that the
    # summary says so instead of the handler silently missing.
    ('phase1', 'genesis', 'initialization', ['eth2spec.test.phase0.genesis.test_initialization']),
    ('phase1', 'genesis', 'validity', ['eth2spec.test.phase0.genesis.test_validity']),
    ('phase0', 'genesis', 'initialization', ['eth2spec.test.phase0.genesis.test_initialization']),
    ('phase0', 'genesis', 'validity', ['eth2spec.test.phase0.genesis.test_validity']),
]
RUNNERS = sorted({runner for (_, runner, _, _) in JOBS})

# The spec has no phase 1 genesis vectors, but shardnet starts from a phase 1 genesis: these
# cases are the phase 0 initialization inputs with state.ssz = upgrade_to_phase1(phase 0
# genesis), written to minimal/phase1/genesis/initialization. Derived, not a pyspec output.
DERIVED_PHASE1_GENESIS = 'eth2spec.test.phase0.genesis.test_initialization'

# See the module doc: these raise with the wheel's CustodyChunkResponse, and are reported as
# not producible rather than as failures, so that any other failure sets the exit status.
NOT_PRODUCIBLE = {'with_shard_transition_with_custody_challenge_and_response'}

# The official vectors carry whole states as SSZ only.
STATE_PARTS = {'pre', 'post', 'state', 'genesis', 'beacon_parent_state'}


def make_yaml():
    from ruamel.yaml import YAML
    y = YAML(pure=True)
    y.default_flow_style = None
    return y


def run_case(case_dir: Path, case_fn):
    parts = case_fn()
    if parts is None:
        # with_phases() returns None for a fork the test is not defined for.
        return False
    if case_dir.exists():
        shutil.rmtree(case_dir)
    case_dir.mkdir(parents=True)
    yaml = make_yaml()
    meta = {}
    written = False
    for (name, kind, data) in parts:
        written = True
        if kind == 'meta':
            meta[name] = data
        elif kind == 'data':
            if name in STATE_PARTS:
                continue
            with open(case_dir / f'{name}.yaml', 'w') as f:
                yaml.dump(data, f)
        elif kind == 'ssz':
            with open(case_dir / f'{name}.ssz', 'wb') as f:
                f.write(data)
        else:
            raise ValueError(f'unknown part kind {kind}')
    if meta:
        with open(case_dir / 'meta.yaml', 'w') as f:
            yaml.dump(meta, f)
    return written


def upgraded_parts(tfn):
    s0, s1 = spec_setup.s0, spec_setup.s1
    for (name, kind, data) in tfn(generator_mode=True, phase='phase0', bls_active=True):
        if name == 'state' and kind == 'ssz':
            data = s1.upgrade_to_phase1(s0.BeaconState.decode_bytes(data)).encode_bytes()
        yield (name, kind, data)


def test_names(mod):
    return [n for (n, _) in getmembers(mod, isfunction) if n.startswith('test_')]


def derive_phase1_genesis(out: Path):
    mod = importlib.import_module(DERIVED_PHASE1_GENESIS)
    n = 0
    for name in test_names(mod):
        case = name[len('test_'):]
        case_dir = out / 'minimal' / 'phase1' / 'genesis' / 'initialization' / 'pyspec_tests' / case
        run_case(case_dir, lambda: upgraded_parts(getattr(mod, name)))
        n += 1
        print(f'wrote derived phase1/genesis/initialization/{case}', flush=True)
    return f'phase1/genesis/initialization (derived by upgrade_to_phase1): {n} written'


def run_job(out: Path, fork, runner, handler, mods):
    written_n = failed_n = empty_n = unproducible_n = 0
    seen = set()
    for mod_name in mods:
        mod = importlib.import_module(mod_name)
        spec_setup.patch_helper_users()
        for name in test_names(mod):
            case = name[len('test_'):]
            # Two modules feed sanity/blocks; a clash would silently overwrite a case.
            assert case not in seen, f'duplicate case {case}'
            seen.add(case)
            tfn = getattr(mod, name)
            case_dir = out / 'minimal' / fork / runner / handler / 'pyspec_tests' / case
            t0 = time.time()
            try:
                ok = run_case(case_dir, lambda: tfn(generator_mode=True, phase=fork, bls_active=True))
            except Exception as e:  # noqa: BLE001
                shutil.rmtree(case_dir, ignore_errors=True)
                if case in NOT_PRODUCIBLE:
                    print(f'not producible {fork}/{runner}/{handler}/{case}: '
                          f'{type(e).__name__}', flush=True)
                    unproducible_n += 1
                    continue
                traceback.print_exc()
                print(f'FAILED {fork}/{runner}/{handler}/{case}', flush=True)
                shutil.rmtree(case_dir, ignore_errors=True)
                failed_n += 1
                continue
            if not ok:
                shutil.rmtree(case_dir, ignore_errors=True)
                empty_n += 1
                continue
            written_n += 1
            print(f'wrote {fork}/{runner}/{handler}/{case} ({time.time() - t0:.1f}s)', flush=True)
    # An empty handler or runner directory would make the Rust runner report a hollow handler.
    for d in [out / 'minimal' / fork / runner / handler / 'pyspec_tests',
              out / 'minimal' / fork / runner / handler, out / 'minimal' / fork / runner]:
        if d.exists() and not any(d.iterdir()):
            d.rmdir()
    line = (f'{fork}/{runner}/{handler}: {written_n} written, {failed_n} failed, '
            f'{unproducible_n} not producible, {empty_n} not defined for {fork}')
    return line, failed_n


def copy_config(shared: Path, out: Path):
    # The vectors carry the config they were made with; the Rust side checks its minimal
    # preset against it.
    dest = out / 'minimal' / 'config'
    dest.mkdir(parents=True, exist_ok=True)
    for name in ('phase0.yaml', 'phase1.yaml'):
        shutil.copyfile(spec_setup.config_dir(shared) / name, dest / name)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('out', type=Path, help='directory to write <preset>/<fork>/... into')
    parser.add_argument('runners', nargs='*',
                        help=f'runners to generate (default: all of {", ".join(RUNNERS)})')
    spec_setup.shared_arg(parser)
    args = parser.parse_args()
    only = set(args.runners)
    if only - set(RUNNERS):
        parser.error(f'unknown runner(s) {sorted(only - set(RUNNERS))}; known: {RUNNERS}')
    spec_setup.load(args.shared)
    copy_config(args.shared.resolve(), args.out)
    summary = []
    failed_total = 0
    for fork, runner, handler, mods in JOBS:
        if only and runner not in only:
            continue
        line, failed = run_job(args.out, fork, runner, handler, mods)
        print(line, flush=True)
        summary.append(line)
        failed_total += failed
    if not only or 'genesis' in only:
        summary.append(derive_phase1_genesis(args.out))
    print('\n'.join(summary))
    if failed_total:
        sys.exit(f'{failed_total} case(s) failed')


if __name__ == '__main__':
    main()
