//! One point of the sweep: a fresh testnet of `S` shards, load through a warm-up and a
//! measured window, a wait for the window's blocks to be finalized, the nodes stopped, and the
//! figures computed from what was submitted and observed.

use std::collections::HashMap;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use alloy_primitives::{B256, U256};
use node::datadir::TEST_MNEMONIC;

use super::cpu::{self, CpuUse};
use super::observe::{Observation, Observer};
use super::report::{Percentiles, PointResult};
use super::{BenchError, BenchPlan, Event};
use crate::client::NodeClient;
use crate::load::{FeeParams, PresignedShard, ShardSubmission, load_senders, presign, submit_all};
use crate::state::{Backend, TestnetState};
use crate::{layout, process};

/// How long a stopping node gets before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// The longest wait for the nodes to answer and connect.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// The priority fee of every transfer (1 gwei).
const PRIORITY_FEE: u128 = 1_000_000_000;

/// Runs the point of `shards` shards in `dir` with the node binary `exe`.
pub fn run_point(
    plan: &BenchPlan,
    shards: u64,
    exe: &Path,
    dir: &Path,
    events: &(dyn Fn(Event) + Sync),
) -> Result<PointResult, BenchError> {
    let spec = plan.testnet_spec(shards);
    let load = plan.load_plan(shards);
    let config = spec
        .network_spec(node::datadir::unix_now())?
        .chain_config()?;

    // Signed first, before any node runs: signing stays off the measured machine time.
    let per_shard = load.transfers_per_shard();
    events(Event::Phase {
        shards,
        phase: "signing",
        len: per_shard * shards,
    });
    let senders = load_senders(TEST_MNEMONIC, plan.accounts, shards)?;
    let fees = FeeParams {
        base_chain_id: config.base_chain_id,
        max_fee_per_gas: u128::from(config.max_gasprice) * 1_000_000_000,
        max_priority_fee_per_gas: PRIORITY_FEE,
        value: U256::from(1_000_000_000u64),
    };
    let signed = presign(&load, &senders, &|_, _| 0, &fees, &|n| {
        events(Event::Advance(n));
    })?;

    events(Event::Phase {
        shards,
        phase: "starting nodes",
        len: spec.nodes as u64,
    });
    let mut state = layout::create(dir, &spec, Backend::Process, true, None)?;
    let result = (|| {
        for index in 0..state.nodes.len() {
            let pid = process::start(exe, &state.nodes[index])?;
            state.nodes[index].pid = Some(pid);
            state.save()?;
            events(Event::Advance(1));
        }
        measure(plan, shards, &state, &signed, events)
    })();
    events(Event::Phase {
        shards,
        phase: "stopping nodes",
        len: state.nodes.len() as u64,
    });
    for outcome in process::stop_all(&state.nodes, STOP_GRACE) {
        outcome?;
        events(Event::Advance(1));
    }
    result.map(|mut point| {
        point.block_capacity = shard::block_gas_limit(&config) / 21_000;
        point
    })
}

/// The wall-clock moment slot `slot` of `state` starts, as an [`Instant`].
fn slot_start(state: &TestnetState, slot: u64) -> Instant {
    let at = UNIX_EPOCH
        + Duration::from_secs(state.genesis_time)
        + Duration::from_millis(state.slot_ms.saturating_mul(slot));
    let now_instant = Instant::now();
    match at.duration_since(SystemTime::now()) {
        Ok(ahead) => now_instant + ahead,
        Err(behind) => now_instant
            .checked_sub(behind.duration())
            .unwrap_or(now_instant),
    }
}

fn sleep_until(at: Instant) {
    let now = Instant::now();
    if at > now {
        thread::sleep(at - now);
    }
}

/// Waits until every node answers, has genesis behind it, produces blocks and sees its peers.
fn wait_ready(state: &TestnetState, events: &(dyn Fn(Event) + Sync)) -> Result<(), BenchError> {
    let deadline = Instant::now() + START_TIMEOUT;
    let clients: Vec<NodeClient> = state
        .nodes
        .iter()
        .map(|node| NodeClient::new(node.http_url.clone()))
        .collect();
    let wanted_peers = state.nodes.len().saturating_sub(1) as u64;
    for (node, client) in state.nodes.iter().zip(&clients) {
        loop {
            let ready = client.head().is_ok_and(|head| head.slot() >= 2)
                && client
                    .peer_count()
                    .is_ok_and(|peers| peers.connected >= wanted_peers);
            if ready {
                events(Event::Advance(1));
                break;
            }
            if let Some(pid) = node.pid
                && !process::is_running(pid, &node.datadir)
            {
                return Err(BenchError::NodeExited {
                    node: node.index,
                    log: node.log.clone(),
                });
            }
            if Instant::now() >= deadline {
                return Err(BenchError::NotReady {
                    node: node.index,
                    url: node.http_url.clone(),
                });
            }
            thread::sleep(Duration::from_millis(250));
        }
    }
    Ok(())
}

fn measure(
    plan: &BenchPlan,
    shards: u64,
    state: &TestnetState,
    signed: &[PresignedShard],
    events: &(dyn Fn(Event) + Sync),
) -> Result<PointResult, BenchError> {
    events(Event::Phase {
        shards,
        phase: "waiting for genesis and peers",
        len: state.nodes.len() as u64,
    });
    wait_ready(state, events)?;
    let clients: Vec<NodeClient> = state
        .nodes
        .iter()
        .map(|node| NodeClient::new(node.http_url.clone()))
        .collect();
    let pids: Vec<u32> = state.nodes.iter().filter_map(|node| node.pid).collect();
    let load = plan.load_plan(shards);
    let observer = Observer::start(clients[0].clone(), shards, plan.poll);

    let first_slot = crate::status::current_slot(state) + 1;
    sleep_until(slot_start(state, first_slot));
    let window_start_slot = first_slot + plan.warmup_slots;
    let window_end_slot = window_start_slot + plan.window_slots;
    let window_start = slot_start(state, window_start_slot);
    let window_end = slot_start(state, window_end_slot);

    let (submissions, cpu_use) = thread::scope(|scope| {
        let sender = scope.spawn(|| submit_all(&clients, &load, signed, &|_| {}));
        // Slot by slot to the end of `slots`, one progress step each.
        let pass = |phase: &'static str, slots: std::ops::Range<u64>| {
            events(Event::Phase {
                shards,
                phase,
                len: slots.end - slots.start,
            });
            for slot in slots {
                sleep_until(slot_start(state, slot + 1));
                events(Event::Advance(1));
            }
        };
        pass("warm-up", first_slot..window_start_slot);
        let start = cpu::sample(&pids);
        pass("measuring", window_start_slot..window_end_slot);
        let end = cpu::sample(&pids);
        let cpu_use = match (start, end) {
            (Ok(start), Ok(end)) => Ok(CpuUse::between(&start, &end)),
            (Err(error), _) | (_, Err(error)) => Err(error),
        };
        let submissions = sender
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (submissions, cpu_use)
    });
    let submissions = submissions?;
    let cpu_use = cpu_use?;

    events(Event::Phase {
        shards,
        phase: "waiting for finality",
        len: plan.window_slots,
    });
    let deadline = slot_start(state, window_end_slot + plan.finality_wait_slots);
    let mut reported = 0;
    loop {
        let through = observer.progress().finalized_through;
        let done = through
            .saturating_sub(window_start_slot)
            .min(plan.window_slots);
        if done > reported {
            events(Event::Advance(done - reported));
            reported = done;
        }
        if through >= window_end_slot || Instant::now() >= deadline {
            break;
        }
        thread::sleep(plan.poll);
    }
    // One more look, so that the last claims and flags are in.
    thread::sleep(plan.poll * 2);
    let observation = observer.finish();

    let window = Window {
        start_slot: window_start_slot,
        end_slot: window_end_slot,
        start: window_start,
        end: window_end,
        seconds: (window_end - window_start).as_secs_f64(),
    };
    Ok(figures(
        plan,
        shards,
        &window,
        signed,
        &submissions,
        &observation,
        &cpu_use,
    ))
}

/// The measured window, in slots and in time.
struct Window {
    start_slot: u64,
    end_slot: u64,
    start: Instant,
    end: Instant,
    seconds: f64,
}

/// What is known of one accepted transfer.
struct Sent {
    at: Instant,
    cross_shard: bool,
}

fn figures(
    plan: &BenchPlan,
    shards: u64,
    window: &Window,
    signed: &[PresignedShard],
    submissions: &[ShardSubmission],
    observation: &Observation,
    cpu_use: &CpuUse,
) -> PointResult {
    let crossing: HashMap<B256, bool> = signed
        .iter()
        .flat_map(|batch| batch.transfers.iter())
        .map(|transfer| (transfer.hash, transfer.cross_shard))
        .collect();
    let mut sent: HashMap<B256, Sent> = HashMap::new();
    for submission in submissions {
        for (hash, at) in submission.accepted.iter().zip(&submission.accepted_sent_at) {
            sent.insert(
                *hash,
                Sent {
                    at: *at,
                    cross_shard: crossing.get(hash).copied().unwrap_or(false),
                },
            );
        }
    }
    let offered: u64 = submissions.iter().map(|s| s.offered).sum();
    let accepted: u64 = submissions.iter().map(|s| s.accepted.len() as u64).sum();
    let offered_seconds = submissions
        .iter()
        .map(|s| s.elapsed.as_secs_f64())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let in_window = |at: Instant| at >= window.start && at < window.end;

    let mut per_shard_included = vec![0u64; shards as usize];
    let mut per_shard_finalized = vec![0u64; shards as usize];
    let mut blocks_in_window = 0u64;
    let mut max_block = 0u64;
    let mut inclusion = Vec::new();
    let mut crosslink = Vec::new();
    let mut finality = Vec::new();
    let mut included_sent_in_window = 0u64;
    let mut receipt = Vec::new();
    for block in observation.canonical_blocks() {
        for hash in &block.claims {
            if let Some(tx) = sent
                .get(hash)
                .filter(|tx| tx.cross_shard && in_window(tx.at))
            {
                receipt.push(secs(block.seen_at, tx.at));
            }
        }
        let counted_slot = (window.start_slot..window.end_slot).contains(&block.slot);
        if counted_slot {
            blocks_in_window += 1;
            max_block = max_block.max(block.transactions.len() as u64);
        }
        for hash in &block.transactions {
            let Some(tx) = sent.get(hash) else {
                continue;
            };
            if counted_slot {
                per_shard_included[block.shard as usize] += 1;
                if block.finalized_at.is_some() {
                    per_shard_finalized[block.shard as usize] += 1;
                }
            }
            if in_window(tx.at) {
                included_sent_in_window += 1;
                inclusion.push(secs(block.seen_at, tx.at));
                if let Some(at) = block.crosslinked_at {
                    crosslink.push(secs(at, tx.at));
                }
                if let Some(at) = block.finalized_at {
                    finality.push(secs(at, tx.at));
                }
            }
        }
    }
    let sent_in_window = sent.values().filter(|tx| in_window(tx.at)).count() as u64;
    let cross_sent_in_window = sent
        .values()
        .filter(|tx| tx.cross_shard && in_window(tx.at))
        .count() as u64;

    let rate = |count: u64| count as f64 / window.seconds.max(f64::MIN_POSITIVE);
    let included: u64 = per_shard_included.iter().sum();
    let finalized: u64 = per_shard_finalized.iter().sum();
    let node_cpu_us_per_tx = if included > 0 {
        let mean_cores =
            cpu_use.processes.iter().sum::<f64>() / cpu_use.processes.len().max(1) as f64;
        mean_cores * window.seconds / included as f64 * 1e6
    } else {
        0.0
    };
    PointResult {
        shards,
        nodes: plan.nodes,
        validators: plan.validators_per_shard * shards,
        window_slots: window.end_slot - window.start_slot,
        offered_tps: offered as f64 / offered_seconds,
        accepted_share: if offered > 0 {
            accepted as f64 / offered as f64
        } else {
            0.0
        },
        first_refusal: submissions.iter().find_map(|s| s.first_refusal.clone()),
        included_tps: rate(included),
        finalized_tps: rate(finalized),
        per_shard_included_tps: per_shard_included.iter().map(|n| rate(*n)).collect(),
        per_shard_finalized_tps: per_shard_finalized.iter().map(|n| rate(*n)).collect(),
        efficiency: None,
        sent_in_window,
        included_of_sent: included_sent_in_window,
        latency_inclusion: Percentiles::of(inclusion),
        latency_crosslink: Percentiles::of(crosslink),
        latency_finality: Percentiles::of(finality),
        cross_shard_sent: cross_sent_in_window,
        latency_receipt: Percentiles::of(receipt),
        blocks_in_window,
        shard_slots_in_window: shards * (window.end_slot - window.start_slot),
        max_block_transactions: max_block,
        block_capacity: 0,
        node_cores: cpu_use.processes.clone(),
        generator_cores: cpu_use.own,
        machine_busy: cpu_use.machine_busy,
        cores: cpu_use.cores,
        node_cpu_us_per_tx,
        failed_requests: observation.failed_requests,
    }
}

fn secs(later: Instant, earlier: Instant) -> f64 {
    later.saturating_duration_since(earlier).as_secs_f64()
}
