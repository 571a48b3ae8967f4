"""Finds the spec functions whose v0.12.3 markdown text differs from the 0.12.2 wheel's source.

Run directly, it lists them; spec_setup replaces the phase 1 ones that differ.
"""
import argparse
import ast
import inspect
import re
import textwrap
from pathlib import Path

FILES = {
    'phase0': ['phase0/beacon-chain.md', 'phase0/fork-choice.md', 'phase0/validator.md'],
    'phase1': ['phase0/beacon-chain.md', 'phase0/fork-choice.md', 'phase0/validator.md',
               'phase1/beacon-chain.md', 'phase1/custody-game.md', 'phase1/shard-transition.md',
               'phase1/fork-choice.md', 'phase1/phase1-fork.md', 'phase1/validator.md',
               'phase1/light-client-sync.md'],
}


def md_functions(specs: Path, files):
    """Later files win, as in the wheel's build, where phase 1 redefines phase 0 functions."""
    out = {}
    for f in files:
        p = specs / f
        if not p.exists():
            continue
        for block in re.findall(r'```python\n(.*?)```', p.read_text(), re.S):
            try:
                tree = ast.parse(block)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.FunctionDef):
                    out[node.name] = ast.get_source_segment(block, node)
    return out


def strip_doc(src):
    """AST dump without the docstring: a docstring is not behaviour."""
    tree = ast.parse(src)
    fn = tree.body[0]
    if fn.body and isinstance(fn.body[0], ast.Expr) and \
            isinstance(getattr(fn.body[0], 'value', None), ast.Constant) and \
            isinstance(fn.body[0].value.value, str):
        fn.body = fn.body[1:] or [ast.Pass()]
    return ast.dump(tree, include_attributes=False)


def unwrap_cached(obj, name):
    """The wheel's caches wrap some functions; their source is the wrapper's, not the spec's."""
    if obj.__name__ != 'wrapper':
        return obj
    cells = [c.cell_contents for c in (obj.__closure__ or ()) if callable(c.cell_contents)]
    inner = [c for c in cells if getattr(c, '__name__', '') == name]
    return inner[0] if inner else obj


def differing(specs: Path, fork, module):
    res = []
    for name, src in md_functions(specs, FILES[fork]).items():
        obj = getattr(module, name, None)
        if obj is None or not callable(obj):
            res.append((name, 'missing in wheel', src))
            continue
        try:
            wsrc = inspect.getsource(unwrap_cached(obj, name))
        except (TypeError, OSError):
            continue
        if strip_doc(textwrap.dedent(wsrc)) != strip_doc(src):
            res.append((name, 'differs', src))
    return res


def main():
    import spec_setup
    parser = argparse.ArgumentParser(description=__doc__)
    spec_setup.shared_arg(parser)
    args = parser.parse_args()
    # Compared before the replacement, so that the list shows what the wheel gets wrong.
    import eth2spec.phase0.spec as s0
    import eth2spec.phase1.spec as s1
    specs = spec_setup.spec_dir(args.shared.resolve())
    for fork, mod in [('phase0', s0), ('phase1', s1)]:
        for name, why, _ in differing(specs, fork, mod):
            print(fork, name, why)


if __name__ == '__main__':
    main()
