//! `StableHasher`: the cache's checksum and the MIB store's key.

/// A hash that is stable across runs and platforms (no random seed): four lanes of
/// multiply-rotate over 32-byte blocks, fed incrementally. The cache's checksum and the MIB
/// store's key.
#[derive(Debug, Clone)]
pub struct StableHasher {
    lanes: [u64; 4],
    pending: [u8; 32],
    pending_len: usize,
    total: u64,
}

const HASH_K: [u64; 4] = [
    0x9E37_79B9_7F4A_7C15,
    0xC2B2_AE3D_27D4_EB4F,
    0x1656_67B1_9E37_79F9,
    0x85EB_CA77_C2B2_AE63,
];

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher {
            lanes: [0x5155_4D4D_4942_5343, HASH_K[1], HASH_K[2], HASH_K[3]],
            pending: [0; 32],
            pending_len: 0,
            total: 0,
        }
    }
}

impl StableHasher {
    fn block(lanes: &mut [u64; 4], b: &[u8]) {
        for (i, lane) in lanes.iter_mut().enumerate() {
            let c = &b[i * 8..i * 8 + 8];
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            *lane = (lane.rotate_left(23) ^ w).wrapping_mul(HASH_K[i]);
        }
    }

    pub fn update(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        if self.pending_len > 0 {
            let n = (32 - self.pending_len).min(bytes.len());
            self.pending[self.pending_len..self.pending_len + n].copy_from_slice(&bytes[..n]);
            self.pending_len += n;
            bytes = &bytes[n..];
            if self.pending_len < 32 {
                return;
            }
            let block = self.pending;
            Self::block(&mut self.lanes, &block);
            self.pending_len = 0;
        }
        let mut blocks = bytes.chunks_exact(32);
        for b in &mut blocks {
            Self::block(&mut self.lanes, b);
        }
        let rest = blocks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.pending_len = rest.len();
    }

    pub fn finish(&self) -> u64 {
        let l = self.lanes;
        let mut h = l[0] ^ l[1].rotate_left(17) ^ l[2].rotate_left(31) ^ l[3].rotate_left(47);
        for &b in &self.pending[..self.pending_len] {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(HASH_K[0]);
        }
        h ^= self.total;
        (h ^ (h >> 29)).wrapping_mul(HASH_K[1]) ^ (h >> 32)
    }
}

/// `StableHasher` over one slice.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h = StableHasher::default();
    h.update(bytes);
    h.finish()
}
