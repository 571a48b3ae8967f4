"""Prints the known answer for shardnet's interop genesis: the Python spec's phase 0 and
phase 1 genesis roots for N interop validators (sk_i = sha256(i as 32 LE bytes) as an LE int
mod r), MAX_EFFECTIVE_BALANCE deposits, eth1 block hash 0x42 * 32,
eth1_timestamp = MIN_GENESIS_TIME, upgraded to phase 1 at slot 0."""
import argparse
from hashlib import sha256

import spec_setup

# BLS12-381 subgroup order.
R = 52435875175126190479447740508185965837690552500527637822603658699938581184513


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('validators', type=int, nargs='?', default=64)
    spec_setup.shared_arg(parser)
    args = parser.parse_args()
    s0, s1 = spec_setup.load(args.shared)
    from eth2spec.test.helpers.deposits import build_deposit
    from eth2spec.utils import bls
    data_list, deposits = [], []
    for i in range(args.validators):
        sk = int.from_bytes(sha256(i.to_bytes(32, 'little')).digest(), 'little') % R
        pk = bls.SkToPk(sk.to_bytes(32, 'big'))  # milagro takes big-endian bytes
        wc = s0.BLS_WITHDRAWAL_PREFIX + s0.hash(pk)[1:]
        d, _, data_list = build_deposit(s0, data_list, pk, sk, s0.MAX_EFFECTIVE_BALANCE, wc, signed=True)
        deposits.append(d)
    st0 = s0.initialize_beacon_state_from_eth1(b'\x42' * 32, s0.MIN_GENESIS_TIME, deposits)
    assert s0.is_valid_genesis_state(st0)
    st1 = s1.upgrade_to_phase1(st0)
    print('phase0 root', '0x' + st0.hash_tree_root().hex())
    print('phase1 root', '0x' + st1.hash_tree_root().hex())


if __name__ == '__main__':
    main()
