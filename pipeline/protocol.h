// The wire protocol between the dispatcher and stage workers (ZPE1) and on the case-file
// feed (ZPEF1). docs/PROTOCOL.md is the specification; this header holds its constants
// and the framing helpers, so no other file spells a command.
//
// Every message is a ZeroMQ multipart message: [version, command, arguments...]. On the
// ROUTER side the peer's identity frame comes first. Frames are raw bytes; JSON arguments
// are UTF-8 text.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

namespace zpe::protocol {

inline constexpr const char* kWorkerVersion = "ZPE1";
inline constexpr const char* kFeedVersion = "ZPEF1";

// Worker -> dispatcher
inline constexpr const char* kReady = "READY";          // stage, worker name
inline constexpr const char* kHeartbeat = "HEARTBEAT";  // lease id
inline constexpr const char* kDone = "DONE";            // lease id, result JSON
inline constexpr const char* kFailed = "FAILED";        // lease id, kind, reason
inline constexpr const char* kGet = "GET";              // request id, sha256
inline constexpr const char* kPut = "PUT";              // request id, bytes
inline constexpr const char* kFindFiled = "FIND-FILED"; // request id, query JSON {tenant, case_number, since_ms}
inline constexpr const char* kCheckpoint = "CHECKPOINT"; // request id, lease id, JSON {page, stage_version, input, result}
// Intake -> dispatcher
inline constexpr const char* kWork = "WORK";            // (none): new documents are queued
// Dispatcher -> worker
inline constexpr const char* kJob = "JOB";          // lease id, job JSON
inline constexpr const char* kBlob = "BLOB";        // request id, sha256, bytes
inline constexpr const char* kStored = "STORED";    // request id, sha256
inline constexpr const char* kFiledList = "FILED-LIST";  // request id, JSON {documents: [...]}
inline constexpr const char* kError = "ERROR";      // request id, message[, kind]
inline constexpr const char* kKindNoSpace = "no_space";  // ERROR's and FAILED's kind: the disk is full
inline constexpr const char* kKindLeaseLost = "lease_lost";  // ERROR's kind: a CHECKPOINT's lease is not valid
inline constexpr const char* kSaved = "SAVED";      // request id (a CHECKPOINT is recorded)
inline constexpr const char* kRefused = "REFUSED";  // lease id, reason (late or unknown lease)

// Case-file feed: consumer -> dispatcher
inline constexpr const char* kHello = "HELLO";  // consumer name
inline constexpr const char* kAck = "ACK";      // event id
inline constexpr const char* kFetch = "FETCH";  // request id, sha256 (same reply as GET)
// Case-file feed: dispatcher -> consumer
inline constexpr const char* kEvent = "EVENT";  // event id, event JSON

// A CHECKPOINT's JSON frame is refused above this size (a page's result names its blobs;
// it never carries them).
inline constexpr std::size_t kMaxCheckpointBytes = 16 * 1024;

using Frames = std::vector<std::string>;

// Sends all frames as one multipart message. False if the socket refused (e.g. a ROUTER
// with ROUTER_MANDATORY and an unknown peer).
bool send_frames(zmq::socket_t& socket, const Frames& frames);
// Receives one multipart message, waiting at most timeout_ms (-1: forever).
std::optional<Frames> recv_frames(zmq::socket_t& socket, long timeout_ms);

}  // namespace zpe::protocol
