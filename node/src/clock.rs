//! Time behind a trait: [`SystemClock`] for a running node, [`ManualClock`] for tests and the
//! simulator, and [`SlotClock`], which turns either into slots of any duration, sub-second
//! included.
//!
//! Slot `s` starts at `genesis_time * 1000 + s * slot_millis` milliseconds after the Unix
//! epoch. `genesis_time` is whole seconds, as in the beacon state; the slot duration comes from
//! `SECONDS_PER_SLOT`, which may be a decimal ([`SlotDuration`]).

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;
use primitives::config::SlotDuration;
use primitives::types::{Epoch, Slot};

/// A source of wall time: the duration since the Unix epoch.
pub trait Clock: Send + Sync + 'static {
    /// Now, as the duration since the Unix epoch.
    fn now(&self) -> Duration;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        // A system clock set before 1970 reads as the epoch itself: slot arithmetic then says
        // "before genesis", which is what such a clock means for the chain.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
    }
}

/// A clock that moves only when told to; clones share the same time.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    now: Arc<Mutex<Duration>>,
}

impl ManualClock {
    /// A clock reading `now`.
    pub fn new(now: Duration) -> Self {
        Self {
            now: Arc::new(Mutex::new(now)),
        }
    }

    /// Sets the time to `now` (it may go backwards, to test how callers cope).
    pub fn set(&self, now: Duration) {
        *self.now.lock() = now;
    }

    /// Moves the time forward by `by`, saturating at the largest duration.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock();
        *now = now.saturating_add(by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        *self.now.lock()
    }
}

/// Slots and epochs over a [`Clock`], from a genesis time and a slot duration.
#[derive(Debug, Clone)]
pub struct SlotClock<C> {
    clock: C,
    genesis_millis: u128,
    slot_millis: u64,
    slots_per_epoch: u64,
}

impl<C: Clock> SlotClock<C> {
    /// The slot clock of a chain whose genesis is at `genesis_time` (Unix seconds). A zero slot
    /// duration or zero slots per epoch are taken as one, so that no division is by zero; a
    /// validated configuration never holds either.
    pub fn new(
        clock: C,
        genesis_time: u64,
        slot_duration: SlotDuration,
        slots_per_epoch: u64,
    ) -> Self {
        Self {
            clock,
            genesis_millis: u128::from(genesis_time) * 1000,
            slot_millis: slot_duration.as_millis().max(1),
            slots_per_epoch: slots_per_epoch.max(1),
        }
    }

    /// The underlying clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// The slot duration.
    pub fn slot_duration(&self) -> Duration {
        Duration::from_millis(self.slot_millis)
    }

    /// The current slot, or `None` before genesis.
    pub fn now(&self) -> Option<Slot> {
        self.slot_at(self.clock.now())
    }

    /// The current slot, or the genesis slot before genesis.
    pub fn now_or_genesis(&self) -> Slot {
        self.now().unwrap_or(0)
    }

    /// The current epoch, or `None` before genesis.
    pub fn current_epoch(&self) -> Option<Epoch> {
        self.now().map(|slot| slot / self.slots_per_epoch)
    }

    /// The slot that `time` (since the Unix epoch) falls in, or `None` before genesis or past
    /// the last representable slot.
    pub fn slot_at(&self, time: Duration) -> Option<Slot> {
        let since_genesis = time.as_millis().checked_sub(self.genesis_millis)?;
        Slot::try_from(since_genesis / u128::from(self.slot_millis)).ok()
    }

    /// When `slot` starts, since the Unix epoch (saturating for absurdly far slots).
    pub fn start_of(&self, slot: Slot) -> Duration {
        let millis = self
            .genesis_millis
            .saturating_add(u128::from(slot).saturating_mul(u128::from(self.slot_millis)));
        Duration::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
    }

    /// How long until `slot` starts: zero if it already has.
    pub fn duration_to_slot(&self, slot: Slot) -> Duration {
        self.start_of(slot).saturating_sub(self.clock.now())
    }

    /// How long until the next slot starts (until genesis, before genesis).
    pub fn duration_to_next_slot(&self) -> Duration {
        let next = self.now().map_or(0, |slot| slot.saturating_add(1));
        self.duration_to_slot(next)
    }

    /// How far into the current slot the clock is (zero before genesis).
    pub fn into_slot(&self) -> Duration {
        self.now().map_or(Duration::ZERO, |slot| {
            self.clock.now().saturating_sub(self.start_of(slot))
        })
    }

    /// The epoch of `slot`.
    pub fn epoch_of(&self, slot: Slot) -> Epoch {
        slot / self.slots_per_epoch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(genesis: u64, millis: u64) -> SlotClock<ManualClock> {
        SlotClock::new(
            ManualClock::new(Duration::from_secs(genesis)),
            genesis,
            SlotDuration::from_millis(millis),
            8,
        )
    }

    #[test]
    fn slots_start_at_genesis_and_advance_every_slot_duration() {
        let slots = clock(1_000, 6_000);
        assert_eq!(slots.now(), Some(0));
        slots.clock().advance(Duration::from_millis(5_999));
        assert_eq!(slots.now(), Some(0));
        slots.clock().advance(Duration::from_millis(1));
        assert_eq!(slots.now(), Some(1));
        assert_eq!(slots.duration_to_next_slot(), Duration::from_secs(6));
        slots.clock().advance(Duration::from_secs(6 * 8));
        assert_eq!(slots.now(), Some(9));
        assert_eq!(slots.current_epoch(), Some(1));
    }

    #[test]
    fn sub_second_slots() {
        let slots = clock(1_000, 250);
        slots.clock().advance(Duration::from_millis(1_100));
        assert_eq!(slots.now(), Some(4));
        assert_eq!(slots.into_slot(), Duration::from_millis(100));
        assert_eq!(slots.duration_to_next_slot(), Duration::from_millis(150));
        assert_eq!(slots.start_of(4), Duration::from_millis(1_001_000));
    }

    #[test]
    fn before_genesis_there_is_no_slot() {
        let slots = clock(1_000, 6_000);
        slots.clock().set(Duration::from_secs(990));
        assert_eq!(slots.now(), None);
        assert_eq!(slots.now_or_genesis(), 0);
        assert_eq!(slots.duration_to_next_slot(), Duration::from_secs(10));
        assert_eq!(slots.into_slot(), Duration::ZERO);
    }

    #[test]
    fn far_future_saturates_instead_of_overflowing() {
        let slots = clock(u64::MAX / 2, 6_000);
        assert_eq!(slots.start_of(u64::MAX), Duration::from_millis(u64::MAX));
        slots.clock().set(Duration::MAX);
        assert!(slots.now().is_some());
    }

    #[test]
    fn the_system_clock_is_past_2020() {
        assert!(SystemClock.now() > Duration::from_secs(1_577_836_800));
    }
}
