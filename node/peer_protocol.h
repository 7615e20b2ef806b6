// What nodes say to each other over an authenticated peer link (docs/spec/p2p.md):
// consensus messages, gossiped transactions, block sync requests and responses, and the
// certificate of the sender's head (how a node learns it is behind on an idle network).
// Canonical encoding, decoded with limits before anything is allocated. Decoding never
// touches storage or consensus state. Plain values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "consensus/commit_certificate.h"
#include "consensus/messages.h"
#include "ledger/block.h"

namespace covalue::node {

inline constexpr uint32_t kMaxGossipTxs = 1024;
inline constexpr uint32_t kMaxSyncBlocks = 64;

struct ConsensusPayload { consensus::Message message; };
struct TxGossip { std::vector<ledger::Transaction> txs; };
struct SyncRequest { uint64_t from_height = 0; uint32_t max_blocks = 0; };
// Blocks with their certificates, consecutive from the requested height (possibly none).
struct SyncResponse { std::vector<ledger::Block> blocks; };
// "I have committed up to certificate.height": the commit certificate of the sender's head
// block, which proves it without trusting the sender.
struct HeadAnnounce { consensus::CommitCertificate certificate; };

using PeerMessage = std::variant<ConsensusPayload, TxGossip, SyncRequest, SyncResponse, HeadAnnounce>;

// PeerMessage = u8 type (1 consensus, 2 txs, 3 sync request, 4 sync response, 5 head) ‖ body:
//   1: bytes consensus::EncodeMessage
//   2: u32 count ‖ count × Transaction
//   3: u64 from_height ‖ u32 max_blocks
//   4: u32 count ‖ count × bytes(EncodeBlock)
//   5: CommitCertificate (consensus::EncodeCommitCertificate)
Bytes EncodePeerMessage(const PeerMessage& message);
// A sync response (type 4) of blocks already encoded (EncodeBlock, as a chain store keeps
// them): the bytes EncodePeerMessage(SyncResponse) gives for those blocks, without decoding
// and encoding them again.
Bytes EncodeSyncResponse(const std::vector<Bytes>& encoded_blocks);
Result<PeerMessage> DecodePeerMessage(ByteView bytes);

}  // namespace covalue::node
