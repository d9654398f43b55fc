// JobStore's outbox of case-file events (declared in job_store.h; the feed that sends them is
// connectors/casefile_feed.h, the format docs/PROTOCOL.md). An event is written in the
// transaction that files its document and carries the document's tenant and its case's
// sequence number case_seq (1, 2, 3 ... per tenant and case number, in filing order).
// Delivery is ordered per case: events_due offers only the oldest open event of a case, so
// the feed never sends a case's next event before the one before it is acknowledged. A
// replay (`zpe events replay`) re-opens acknowledged events; they go out again under the
// same rule, marked as replays, until acknowledged again.
#include <sqlite3.h>

#include "pipeline/durable_file.h"
#include "pipeline/job_store.h"
#include "pipeline/sqlite_db.h"

namespace zpe {

namespace {

// An event is open while the feed still has to deliver it: never acknowledged, or queued
// for a replay: (acked_ms IS NULL OR replay_pending = 1). The queries spell that term as the
// partial indexes do, so SQLite uses the indexes.
constexpr const char* kEventColumns = R"SQL(
ALTER TABLE events ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN case_number TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN case_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN replay_pending INTEGER NOT NULL DEFAULT 0;
UPDATE events SET
  tenant = COALESCE((SELECT d.tenant FROM documents d WHERE d.id = events.document_id),
                    json_extract(payload, '$.tenant'), ''),
  case_number = COALESCE(json_extract(payload, '$.case_number'), '');
CREATE INDEX IF NOT EXISTS events_case ON events(tenant, case_number, seq);
UPDATE events SET case_seq = (SELECT COUNT(*) FROM events p WHERE p.tenant = events.tenant
                              AND p.case_number = events.case_number AND p.seq <= events.seq);
UPDATE events SET payload = json_set(payload, '$.tenant', tenant, '$.case_seq', case_seq)
  WHERE json_valid(payload);
CREATE UNIQUE INDEX IF NOT EXISTS events_case_seq ON events(tenant, case_number, case_seq);
CREATE INDEX IF NOT EXISTS events_open_case ON events(tenant, case_number, seq)
  WHERE (acked_ms IS NULL OR replay_pending = 1);
CREATE INDEX IF NOT EXISTS events_open ON events(seq) WHERE (acked_ms IS NULL OR replay_pending = 1);
)SQL";

Result<bool> has_case_seq_column(sqlite3* db) {
  Statement s(db, "SELECT 1 FROM pragma_table_info('events') WHERE name = 'case_seq'");
  if (s.step()) return true;
  if (auto st = s.status(); !st) return fail(st.error());
  return false;
}

// The outbox position of an event id; 0 for "" (before the first event).
Result<int64_t> outbox_position(sqlite3* db, const std::string& event_id) {
  if (event_id.empty()) return int64_t{0};
  Statement s(db, "SELECT seq FROM events WHERE event_id = ?");
  s.bind(1, event_id);
  if (s.step()) return s.integer(0);
  if (auto st = s.status(); !st) return fail(st.error());
  return fail(ErrorKind::kNotFound, "no event " + event_id + " in the outbox (zpe events list shows them)");
}

}  // namespace

Status JobStore::migrate_events() {
  auto present = has_case_seq_column(db_);
  if (!present) return fail(present.error());
  if (*present) return {};
  // Several processes open the store at once: the first to get the write lock migrates.
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return st;
  present = has_case_seq_column(db_);
  if (!present) return fail(present.error());
  if (*present) return {};
  if (auto st = exec_sql(db_, kEventColumns); !st) return st;
  return tx.commit();
}

Result<std::string> JobStore::insert_filed_event(const std::string& document_id, const std::string& tenant,
                                                 const nlohmann::json& record, const EventBuilder& build_event,
                                                 int64_t now_ms) {
  const auto route = record.find("route");
  const std::string case_number =
      route != record.end() && route->is_object() ? route->value("case_number", "") : "";
  Statement next(db_, "SELECT IFNULL(MAX(case_seq), 0) + 1 FROM events WHERE tenant = ? AND case_number = ?");
  next.bind(1, tenant).bind(2, case_number);
  if (!next.step()) return fail(next.status().error());
  const int64_t case_seq = next.integer(0);
  const std::string event_id = "E" + random_hex(12);
  nlohmann::json event = build_event(record, event_id);
  event["tenant"] = tenant;  // the document's own, whatever the record says
  event["case_seq"] = case_seq;
  Statement ev(db_,
               "INSERT INTO events(event_id, document_id, tenant, case_number, case_seq, created_ms, payload) "
               "VALUES (?,?,?,?,?,?,?)");
  ev.bind(1, event_id).bind(2, document_id).bind(3, tenant).bind(4, case_number).bind(5, case_seq)
      .bind(6, now_ms).bind(7, event.dump());
  if (auto st = ev.run(); !st) return fail(st.error());
  return event_id;
}

Result<std::vector<PendingEvent>> JobStore::events_due(int64_t now, int64_t redeliver_ms, int limit) {
  Statement s(db_,
              "SELECT e.seq, e.event_id, e.document_id, e.payload, e.acked_ms IS NOT NULL FROM events e "
              "WHERE (e.acked_ms IS NULL OR e.replay_pending = 1) AND (e.last_sent_ms IS NULL OR e.last_sent_ms <= ?) "
              "AND NOT EXISTS (SELECT 1 FROM events p WHERE p.tenant = e.tenant AND p.case_number = e.case_number "
              "AND p.seq < e.seq AND (p.acked_ms IS NULL OR p.replay_pending = 1)) ORDER BY e.seq LIMIT ?");
  s.bind(1, now - redeliver_ms).bind(2, limit);
  std::vector<PendingEvent> out;
  while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.integer(4) != 0});
  if (auto st = s.status(); !st) return fail(st.error());
  return out;
}

Status JobStore::mark_event_sent(int64_t seq, int64_t now) {
  Statement s(db_, "UPDATE events SET last_sent_ms = ?, deliveries = deliveries + 1 WHERE seq = ?");
  return s.bind(1, now).bind(2, seq).run();
}

Result<bool> JobStore::ack_event(const std::string& event_id, int64_t now) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return fail(st.error());
  Statement first_ack(db_, "UPDATE events SET acked_ms = ? WHERE event_id = ? AND acked_ms IS NULL");
  first_ack.bind(1, now).bind(2, event_id);
  if (auto st = first_ack.run(); !st) return fail(st.error());
  const bool first = sqlite3_changes(db_) > 0;
  bool replay_done = false;
  if (!first) {
    Statement replayed(db_, "UPDATE events SET replay_pending = 0 WHERE event_id = ? AND replay_pending = 1");
    replayed.bind(1, event_id);
    if (auto st = replayed.run(); !st) return fail(st.error());
    replay_done = sqlite3_changes(db_) > 0;
  }
  if (first || replay_done) {
    Statement doc(db_, "SELECT document_id FROM events WHERE event_id = ?");
    doc.bind(1, event_id);
    if (doc.step()) {
      nlohmann::json detail = {{"event_id", event_id}};
      const char* action = first ? "event_acked" : "event_replay_acked";
      if (auto st = append_audit(doc.text(0), "casefile-feed", action, detail.dump(), now); !st) {
        return fail(st.error());
      }
    }
  }
  if (auto st = tx.commit(); !st) return fail(st.error());
  return first;
}

Result<std::vector<OutboxEvent>> JobStore::list_events(const OutboxQuery& query) {
  auto after = outbox_position(db_, query.since_event_id);
  if (!after) return fail(after.error());
  Statement s(db_,
              "SELECT seq, event_id, document_id, tenant, case_number, case_seq, created_ms, deliveries, "
              "IFNULL(last_sent_ms, 0), IFNULL(acked_ms, 0), replay_pending FROM events "
              "WHERE seq > ? AND (? = '' OR tenant = ?) ORDER BY seq LIMIT ?");
  s.bind(1, *after).bind(2, query.tenant).bind(3, query.tenant).bind(4, query.limit);
  std::vector<OutboxEvent> out;
  while (s.step()) {
    out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5), s.integer(6),
                   s.integer(7), s.integer(8), s.integer(9), s.integer(10) != 0});
  }
  if (auto st = s.status(); !st) return fail(st.error());
  return out;
}

Result<ReplayRequest> JobStore::request_replay(const OutboxQuery& query, const std::string& actor, int64_t now) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return fail(st.error());
  auto after = outbox_position(db_, query.since_event_id);
  if (!after) return fail(after.error());
  ReplayRequest counts;
  Statement tally(db_,
                  "SELECT IFNULL(SUM(acked_ms IS NULL), 0), IFNULL(SUM(acked_ms IS NOT NULL AND replay_pending = 1), 0) "
                  "FROM events WHERE seq > ? AND (? = '' OR tenant = ?)");
  tally.bind(1, *after).bind(2, query.tenant).bind(3, query.tenant);
  if (!tally.step()) return fail(tally.status().error());
  counts.unacknowledged = tally.integer(0);
  counts.already_queued = tally.integer(1);
  // Each document's audit trail says its event was sent again, on whose request.
  Statement chosen(db_,
                   "SELECT event_id, document_id FROM events WHERE seq > ? AND (? = '' OR tenant = ?) "
                   "AND acked_ms IS NOT NULL AND replay_pending = 0 ORDER BY seq");
  chosen.bind(1, *after).bind(2, query.tenant).bind(3, query.tenant);
  std::vector<std::pair<std::string, std::string>> events;
  while (chosen.step()) events.emplace_back(chosen.text(0), chosen.text(1));
  if (auto st = chosen.status(); !st) return fail(st.error());
  for (const auto& [event_id, document_id] : events) {
    nlohmann::json detail = {{"event_id", event_id}, {"since", query.since_event_id}};
    if (!query.tenant.empty()) detail["tenant"] = query.tenant;
    if (auto st = append_audit(document_id, actor, "event_replay_requested", detail.dump(), now); !st) {
      return fail(st.error());
    }
  }
  Statement queue(db_,
                  "UPDATE events SET replay_pending = 1, last_sent_ms = NULL WHERE seq > ? "
                  "AND (? = '' OR tenant = ?) AND acked_ms IS NOT NULL AND replay_pending = 0");
  queue.bind(1, *after).bind(2, query.tenant).bind(3, query.tenant);
  if (auto st = queue.run(); !st) return fail(st.error());
  counts.queued = sqlite3_changes(db_);
  if (auto st = tx.commit(); !st) return fail(st.error());
  return counts;
}

}  // namespace zpe
