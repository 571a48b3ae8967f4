"""Loads the eth2spec 0.12.2 wheel as the v0.12.3 minimal-preset spec, for the scripts here.

The wheel ships no config files and differs from v0.12.3 in some phase 1 functions and test
helpers. load() must run before any eth2spec.test module is imported: those bind spec objects
at import time, so they have to see the reloaded minimal-preset modules.
"""
import argparse
import importlib
import re
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_VERSION = 'v0.12.3'

s0 = None
s1 = None
_orig_build_attestation_data = None


def shared_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--shared', type=Path, default=REPO_ROOT.parent / 'shared',
                        help='folder holding spec/v0.12.3 and spec-tests/v0.12.3 '
                             '(default: ../shared next to the repository)')


def config_dir(shared: Path) -> Path:
    return shared / 'spec-tests' / SPEC_VERSION / 'minimal' / 'config'


def spec_dir(shared: Path) -> Path:
    return shared / 'spec' / SPEC_VERSION / 'specs'


def _write_wheel_config(shared: Path, cfg_root: Path) -> None:
    # config_util rejects CONFIG_NAME, and 0.12.2 reads the fork slot under its older name.
    out = cfg_root / 'minimal'
    out.mkdir(parents=True)
    for name in ('phase0.yaml', 'phase1.yaml'):
        text = (config_dir(shared) / name).read_text()
        lines = [line for line in text.splitlines() if not line.startswith('CONFIG_NAME')]
        if name == 'phase1.yaml':
            fork_slot = re.search(r'^PHASE_1_FORK_SLOT:\s*(\d+)', text, re.M)
            if fork_slot is None:
                sys.exit(f'{config_dir(shared) / name}: no PHASE_1_FORK_SLOT')
            lines.append(f'PHASE_1_GENESIS_SLOT: {fork_slot.group(1)}')
        (out / name).write_text('\n'.join(lines) + '\n')


def load(shared: Path):
    """Returns (phase0 spec, phase1 spec) configured and patched to behave as v0.12.3."""
    global s0, s1, _orig_build_attestation_data
    shared = shared.resolve()
    if not config_dir(shared).is_dir() or not spec_dir(shared).is_dir():
        sys.exit(f'{shared}: expected spec/{SPEC_VERSION}/specs and '
                 f'spec-tests/{SPEC_VERSION}/minimal/config in it (see --shared)')
    from eth2spec.config import config_util
    with tempfile.TemporaryDirectory() as tmp:
        _write_wheel_config(shared, Path(tmp))
        config_util.prepare_config(tmp, 'minimal')
    import eth2spec.phase0.spec as phase0
    import eth2spec.phase1.spec as phase1
    importlib.reload(phase0)
    importlib.reload(phase1)
    s0, s1 = phase0, phase1
    from eth2spec.utils import bls
    # Same answers as py_ecc, many times faster.
    bls.use_milagro()

    import eth2spec.test.context as test_context
    test_context._prepare_state = _prepare_state
    _add_missing_config_constants(config_util.config)
    _replace_differing_functions(spec_dir(shared))

    import eth2spec.test.helpers.attestations as attestation_helpers
    _orig_build_attestation_data = attestation_helpers.build_attestation_data
    attestation_helpers.build_attestation_data = build_attestation_data
    return s0, s1


def _prepare_state(balances_fn, threshold_fn, spec, phases):
    # The wheel advances every phase 1 test state one slot past the upgrade, written for its
    # default fork slot 32; with fork slot 0 its transition_to_valid_shard_slot() then asserts.
    # v0.12.3's vectors start from the phase 0 genesis upgraded at slot 0 and nothing more.
    import eth2spec.test.context as test_context
    from eth2spec.test.helpers.genesis import create_genesis_state
    p0 = phases[test_context.PHASE0]
    state = create_genesis_state(spec=p0, validator_balances=balances_fn(p0),
                                 activation_threshold=threshold_fn(p0))
    if spec.fork == test_context.PHASE1:
        state = phases[test_context.PHASE1].upgrade_to_phase1(state)
    return state


def _add_missing_config_constants(config) -> None:
    # config_util only overrides names the module already has, and v0.12.3 functions use some
    # the wheel lacks (PROPORTIONAL_SLASHING_MULTIPLIER in process_slashings, ...).
    for key, value in config.items():
        if key not in s1.__dict__:
            s1.__dict__[key] = value if isinstance(value, bytes) else s1.uint64(value)


def _replace_differing_functions(specs: Path) -> None:
    # Executing the v0.12.3 text in the spec module's namespace makes every caller, spec and
    # test helpers alike, use it.
    import spec_diff
    s1.PHASE_1_FORK_SLOT = s1.PHASE_1_GENESIS_SLOT
    for name, why, src in spec_diff.differing(specs, 'phase1', s1):
        if why == 'differs':
            exec(compile(src, f'{SPEC_VERSION}:{name}', 'exec'), s1.__dict__)


def transition_to_valid_shard_slot(spec, state):
    """v0.12.3's helper: the state is already upgraded at the fork slot. The wheel's upgrades
    again, which makes fork.previous_version the phase 1 version and so changes every domain."""
    from eth2spec.test.helpers.state import next_slot, transition_to
    transition_to(spec, state, spec.PHASE_1_GENESIS_SLOT)
    next_slot(spec, state)
    return state


def build_attestation_data(spec, state, slot, index, shard=None, shard_transition=None,
                           on_time=True):
    """v0.12.3's helper: v0.12.3's get_shard_transition returns an empty transition at
    GENESIS_SLOT, so an on-time attestation there carries none."""
    import eth2spec.test.context as test_context
    data = _orig_build_attestation_data(spec, state, slot, index, shard=shard,
                                        shard_transition=shard_transition, on_time=False)
    if spec.fork == test_context.PHASE1 and shard_transition is None and on_time:
        if data.slot == spec.GENESIS_SLOT:
            data.shard_head_root = spec.Root()
            data.shard_transition_root = spec.ShardTransition().hash_tree_root()
        else:
            shard_transition = spec.get_shard_transition(state, data.shard, shard_blocks=[])
            last_offset_index = len(shard_transition.shard_data_roots) - 1
            data.shard_head_root = shard_transition.shard_states[last_offset_index].latest_block_root
            data.shard_transition_root = shard_transition.hash_tree_root()
    return data


def patch_helper_users() -> None:
    """Call after importing test modules: they hold their own references to the helpers."""
    for mod in list(sys.modules.values()):
        if not getattr(mod, '__name__', '').startswith('eth2spec.test'):
            continue
        if hasattr(mod, 'transition_to_valid_shard_slot'):
            mod.transition_to_valid_shard_slot = transition_to_valid_shard_slot
        if getattr(mod, 'build_attestation_data', None) is _orig_build_attestation_data:
            mod.build_attestation_data = build_attestation_data
