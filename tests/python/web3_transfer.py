"""Sends a transfer to a running shardnet node with web3.py and eth-account, as any Ethereum
user would, and waits for its receipt.

Usage: web3_transfer.py RPC_URL SHARD SHARD_COUNT MNEMONIC

Prints one JSON object: the sender, recipient, transaction hash, block number and the balances
read back. Exits non-zero with a message if anything is off.
"""

import json
import sys
import time

from eth_account import Account
from web3 import Web3

url, shard, shard_count, mnemonic = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
Account.enable_unaudited_hdwallet_features()


def home_shard(address):
    return int.from_bytes(bytes.fromhex(address[2:])[:8], "big") % shard_count


w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 10}))
deadline = time.time() + 60
while not w3.is_connected():
    if time.time() > deadline:
        sys.exit(f"no JSON-RPC at {url}")
    time.sleep(0.2)

chain_id = w3.eth.chain_id
# The first prefunded account of the test mnemonic that lives on this shard.
sender = None
for index in range(400):
    account = Account.from_mnemonic(mnemonic, account_path=f"m/44'/60'/0'/0/{index}")
    if home_shard(account.address) == shard and w3.eth.get_balance(account.address) > 0:
        sender = account
        break
if sender is None:
    sys.exit(f"no funded account of the mnemonic on shard {shard}")

# A fresh recipient on the same shard.
recipient = None
for index in range(10_000):
    candidate = Web3.to_checksum_address(Web3.keccak(text=f"web3 recipient {index}")[-20:])
    if home_shard(candidate) == shard:
        recipient = candidate
        break

value = Web3.to_wei(1.5, "ether")
before = w3.eth.get_balance(sender.address)
signed = Account.sign_transaction(
    {
        "chainId": chain_id,
        "nonce": w3.eth.get_transaction_count(sender.address, "pending"),
        "to": recipient,
        "value": value,
        "gas": 21_000,
        "maxFeePerGas": 2 * w3.eth.gas_price + 10**9,
        "maxPriorityFeePerGas": 10**9,
        "type": 2,
    },
    sender.key,
)
tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120, poll_latency=0.25)
if receipt["status"] != 1:
    sys.exit(f"transaction failed: {receipt}")
block = w3.eth.get_block(receipt["blockNumber"])
if tx_hash not in block["transactions"]:
    sys.exit(f"block {receipt['blockNumber']} does not list {tx_hash.hex()}")
full = w3.eth.get_block(receipt["blockNumber"], full_transactions=True)
listed = [tx for tx in full["transactions"] if tx["hash"] == tx_hash]
if len(listed) != 1 or listed[0]["from"] != sender.address or listed[0]["value"] != value:
    sys.exit(f"block {receipt['blockNumber']} with full transactions does not show the transfer")
received = w3.eth.get_balance(recipient)
if received != value:
    sys.exit(f"recipient holds {received}, expected {value}")
after = w3.eth.get_balance(sender.address)
fee = receipt["gasUsed"] * receipt["effectiveGasPrice"]
if before - after != value + fee:
    sys.exit(f"sender paid {before - after}, expected {value + fee}")
print(json.dumps({
    "chain_id": chain_id,
    "sender": sender.address,
    "recipient": recipient,
    "tx_hash": tx_hash.hex(),
    "block_number": receipt["blockNumber"],
    "gas_used": receipt["gasUsed"],
}))
