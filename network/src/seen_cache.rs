//! Duplicate suppression for gossip: message ids seen recently, who sent them, and when they
//! expire. Bounded both in time (`ttl`) and in size (`max_entries`, oldest evicted first).

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use crate::peer_id::PeerId;

/// A gossip message id (see [`crate::gossip::message_id`]).
pub type MessageId = [u8; 8];

/// What the cache knew of a message when it was observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observation {
    /// First sighting.
    New,
    /// Already seen; `same_peer` when this very peer had already sent it, which an honest
    /// peer never does.
    Duplicate {
        /// The sender had already sent this message.
        same_peer: bool,
    },
}

#[derive(Debug)]
struct Entry {
    inserted: Duration,
    senders: Vec<PeerId>,
}

/// Most senders remembered per message: past this, flood detection stops tracking new ones.
const MAX_SENDERS: usize = 64;

/// The seen-message cache.
#[derive(Debug)]
pub struct SeenCache {
    ttl: Duration,
    max_entries: usize,
    entries: HashMap<MessageId, Entry>,
    order: VecDeque<(Duration, MessageId)>,
}

impl SeenCache {
    /// An empty cache remembering ids for `ttl`, holding at most `max_entries`.
    pub fn new(ttl: Duration, max_entries: usize) -> Self {
        Self {
            ttl,
            max_entries: max_entries.max(1),
            entries: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Records that `id` was seen at `now`, from `from` (`None` for a local publish).
    pub fn observe(&mut self, id: MessageId, from: Option<PeerId>, now: Duration) -> Observation {
        self.expire(now);
        if let Some(entry) = self.entries.get_mut(&id) {
            let same_peer = from.is_some_and(|p| entry.senders.contains(&p));
            if let Some(p) = from
                && !same_peer
                && entry.senders.len() < MAX_SENDERS
            {
                entry.senders.push(p);
            }
            return Observation::Duplicate { same_peer };
        }
        while self.entries.len() >= self.max_entries {
            let Some((_, oldest)) = self.order.pop_front() else {
                break;
            };
            self.entries.remove(&oldest);
        }
        self.entries.insert(
            id,
            Entry {
                inserted: now,
                senders: from.into_iter().collect(),
            },
        );
        self.order.push_back((now, id));
        Observation::New
    }

    /// Whether `id` is in the cache.
    pub fn contains(&self, id: &MessageId) -> bool {
        self.entries.contains_key(id)
    }

    /// The peers that sent `id` (empty if unknown).
    pub fn senders(&self, id: &MessageId) -> &[PeerId] {
        self.entries.get(id).map_or(&[], |e| e.senders.as_slice())
    }

    /// Drops the entries older than the ttl.
    pub fn expire(&mut self, now: Duration) {
        while let Some(&(at, id)) = self.order.front() {
            if now.saturating_sub(at) < self.ttl {
                break;
            }
            self.order.pop_front();
            if self.entries.get(&id).is_some_and(|e| e.inserted == at) {
                self.entries.remove(&id);
            }
        }
    }

    /// Forgets `id`, so that its next arrival counts as new (a message dropped before its
    /// verdict must be taken again from the next peer that sends it).
    pub fn forget(&mut self, id: &MessageId) {
        self.entries.remove(id);
    }

    /// Number of ids held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: PeerId = PeerId::from_bytes([1; 32]);
    const B: PeerId = PeerId::from_bytes([2; 32]);

    #[test]
    fn duplicates_and_expiry() {
        let mut cache = SeenCache::new(Duration::from_secs(10), 100);
        let t0 = Duration::from_secs(100);
        assert_eq!(cache.observe([1; 8], Some(A), t0), Observation::New);
        assert_eq!(
            cache.observe([1; 8], Some(B), t0),
            Observation::Duplicate { same_peer: false }
        );
        assert_eq!(
            cache.observe([1; 8], Some(A), t0),
            Observation::Duplicate { same_peer: true }
        );
        assert_eq!(cache.senders(&[1; 8]), &[A, B]);
        let later = t0 + Duration::from_secs(10);
        assert_eq!(cache.observe([1; 8], Some(A), later), Observation::New);
    }

    #[test]
    fn bounded_size() {
        let mut cache = SeenCache::new(Duration::from_secs(10), 3);
        for i in 0..10u8 {
            cache.observe([i; 8], None, Duration::ZERO);
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.contains(&[9; 8]));
        assert!(!cache.contains(&[0; 8]));
    }
}
