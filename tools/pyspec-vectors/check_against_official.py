"""Regenerates official v0.12.3 minimal/phase1 handlers with generate.py's setup and compares
them byte for byte with the shared vectors: evidence that the setup reproduces v0.12.3 where
official vectors exist, before trusting it where they do not. Writes nothing outside a
temporary directory."""
import argparse
import importlib
import tempfile
import traceback
from pathlib import Path

import generate
import spec_setup

CHECKS = [
    ('operations', 'attestation', 'eth2spec.test.phase0.block_processing.test_process_attestation'),
    ('operations', 'attester_slashing', 'eth2spec.test.phase0.block_processing.test_process_attester_slashing'),
    ('operations', 'block_header', 'eth2spec.test.phase0.block_processing.test_process_block_header'),
    ('operations', 'deposit', 'eth2spec.test.phase0.block_processing.test_process_deposit'),
    ('operations', 'proposer_slashing', 'eth2spec.test.phase0.block_processing.test_process_proposer_slashing'),
    ('operations', 'voluntary_exit', 'eth2spec.test.phase0.block_processing.test_process_voluntary_exit'),
    ('operations', 'attestation', 'eth2spec.test.phase1.block_processing.test_process_attestation'),
    ('operations', 'chunk_challenge', 'eth2spec.test.phase1.block_processing.test_process_chunk_challenge'),
    ('operations', 'custody_key_reveal', 'eth2spec.test.phase1.block_processing.test_process_custody_key_reveal'),
    ('operations', 'custody_slashing', 'eth2spec.test.phase1.block_processing.test_process_custody_slashing'),
    ('operations', 'early_derived_secret_reveal', 'eth2spec.test.phase1.block_processing.test_process_early_derived_secret_reveal'),
    ('operations', 'shard_transition', 'eth2spec.test.phase1.block_processing.test_process_shard_transition'),
    ('epoch_processing', 'final_updates', 'eth2spec.test.phase0.epoch_processing.test_process_final_updates'),
    ('epoch_processing', 'justification_and_finalization', 'eth2spec.test.phase0.epoch_processing.test_process_justification_and_finalization'),
    ('epoch_processing', 'registry_updates', 'eth2spec.test.phase0.epoch_processing.test_process_registry_updates'),
    ('epoch_processing', 'rewards_and_penalties', 'eth2spec.test.phase0.epoch_processing.test_process_rewards_and_penalties'),
    ('epoch_processing', 'slashings', 'eth2spec.test.phase0.epoch_processing.test_process_slashings'),
    ('epoch_processing', 'challenge_deadlines', 'eth2spec.test.phase1.epoch_processing.test_process_challenge_deadlines'),
    ('epoch_processing', 'custody_final_updates', 'eth2spec.test.phase1.epoch_processing.test_process_custody_final_updates'),
    ('epoch_processing', 'reveal_deadlines', 'eth2spec.test.phase1.epoch_processing.test_process_reveal_deadlines'),
    ('sanity', 'shard_blocks', 'eth2spec.test.phase1.sanity.test_shard_blocks'),
]


def check_handler(official: Path, tmp: Path, runner, handler, mod_name):
    mod = importlib.import_module(mod_name)
    spec_setup.patch_helper_users()
    same = diff = missing = 0
    for name in generate.test_names(mod):
        case = name[len('test_'):]
        off = official / runner / handler / 'pyspec_tests' / case
        if not off.exists():
            missing += 1
            continue
        d = tmp / runner / handler / case
        try:
            ok = generate.run_case(d, lambda: getattr(mod, name)(
                generator_mode=True, phase='phase1', bls_active=True))
        except Exception as e:  # noqa: BLE001
            where = [ln for ln in traceback.format_exc().splitlines()
                     if ln.strip().startswith('File')][-1:]
            print(f'  {handler}/{case}: raised {type(e).__name__} at {where}')
            diff += 1
            continue
        theirs = sorted(p.name for p in off.iterdir() if p.suffix == '.ssz')
        mine = sorted(p.name for p in d.iterdir() if p.suffix == '.ssz') if ok else []
        bad = [f for f in sorted(set(theirs) | set(mine))
               if f not in theirs or f not in mine or (off / f).read_bytes() != (d / f).read_bytes()]
        if bad:
            diff += 1
            print(f'  {handler}/{case}: differs in {bad}')
        else:
            same += 1
    print(f'{runner}/{handler}: {same} identical, {diff} differ, {missing} not in the official set')
    return same, diff


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    spec_setup.shared_arg(parser)
    args = parser.parse_args()
    spec_setup.load(args.shared)
    official = args.shared.resolve() / 'spec-tests' / spec_setup.SPEC_VERSION / 'minimal' / 'phase1'
    total_same = total_diff = 0
    with tempfile.TemporaryDirectory() as tmp:
        for runner, handler, mod_name in CHECKS:
            same, diff = check_handler(official, Path(tmp), runner, handler, mod_name)
            total_same += same
            total_diff += diff
    print(f'{total_same} identical, {total_diff} differ')


if __name__ == '__main__':
    main()
