// `zpe events list|replay`: the outbox of the case-file feed (pipeline/job_store_events.cpp,
// docs/PROTOCOL.md). `list` shows the events in outbox order with their case sequence and
// delivery state; `replay --since EVENT_ID [--tenant T]` queues every acknowledged event
// after EVENT_ID to be sent again, marked as a replay — the running dispatcher's feed picks
// them up, in per-case order; consumers de-duplicate by event id, so nothing is filed twice.
// Exit codes as README.md: 2 for an unknown tenant, 4 when EVENT_ID is not in the outbox.
#include <cstdio>

#include <spdlog/spdlog.h>

#include "app/app.h"

namespace zpe::app {

namespace {

struct EventsOptions {
  std::string since, tenant;
  int limit = 1000;
  bool json = false;
};

int exit_code_for(const Error& error) { return error.kind == ErrorKind::kNotFound ? kNotFound : kFailed; }

// The store, when the tenant (if any) is configured; prints why not.
std::optional<Opened> open_for(const GlobalOptions& options, const EventsOptions& o, int* exit_code) {
  auto opened = open_store(options, false);
  *exit_code = kBadArgs;
  if (!opened) return std::nullopt;
  if (!o.tenant.empty() && !opened->env.config.has_tenant(o.tenant)) {
    spdlog::error("unknown tenant '{}' (configured: {})", o.tenant, nlohmann::json(opened->env.config.tenants()).dump());
    return std::nullopt;
  }
  *exit_code = kOk;
  return opened;
}

nlohmann::json event_json(const OutboxEvent& e) {
  auto ms_or_null = [](int64_t ms) { return ms > 0 ? nlohmann::json(ms) : nlohmann::json(); };
  return {{"seq", e.seq},
          {"event_id", e.event_id},
          {"document_id", e.document_id},
          {"tenant", e.tenant},
          {"case_number", e.case_number},
          {"case_seq", e.case_seq},
          {"created_ms", e.created_ms},
          {"deliveries", e.deliveries},
          {"last_sent_ms", ms_or_null(e.last_sent_ms)},
          {"acked_ms", ms_or_null(e.acked_ms)},
          {"replay_pending", e.replay_pending}};
}

std::string delivery_state(const OutboxEvent& e) {
  if (e.replay_pending) return "replay pending";
  if (e.acked_ms > 0) return "acked " + local_time(e.acked_ms);
  return e.deliveries > 0 ? "sent, not acked" : "not sent";
}

int list_events(const GlobalOptions& options, const EventsOptions& o) {
  int rc = kOk;
  auto opened = open_for(options, o, &rc);
  if (!opened) return rc;
  auto events = opened->jobs->list_events({o.since, o.tenant, o.limit});
  if (!events) {
    std::fprintf(stderr, "events: %s\n", events.error().message.c_str());
    return exit_code_for(events.error());
  }
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : *events) out.push_back(event_json(e));
    std::printf("%s\n", out.dump(2).c_str());
    return kOk;
  }
  for (const auto& e : *events) {
    std::printf("%s  %-10s %-14s #%-4lld %s  filed %s  %s (%lld deliveries)\n", e.event_id.c_str(), e.tenant.c_str(),
                e.case_number.c_str(), static_cast<long long>(e.case_seq), e.document_id.c_str(),
                local_time(e.created_ms).c_str(), delivery_state(e).c_str(), static_cast<long long>(e.deliveries));
  }
  std::printf("%zu events\n", events->size());
  return kOk;
}

int replay_events(const GlobalOptions& options, const EventsOptions& o) {
  int rc = kOk;
  auto opened = open_for(options, o, &rc);
  if (!opened) return rc;
  auto done = opened->jobs->request_replay({o.since, o.tenant, 0}, cli_actor(), now_ms());
  if (!done) {
    std::fprintf(stderr, "events: %s\n", done.error().message.c_str());
    return exit_code_for(done.error());
  }
  std::printf("events after %s%s: %lld queued to be sent again as replays", o.since.c_str(),
              o.tenant.empty() ? "" : (" of tenant " + o.tenant).c_str(), static_cast<long long>(done->queued));
  if (done->already_queued > 0) std::printf(", %lld already queued", static_cast<long long>(done->already_queued));
  if (done->unacknowledged > 0) {
    std::printf(", %lld not yet acknowledged (sent anyway)", static_cast<long long>(done->unacknowledged));
  }
  std::printf("\nthe dispatcher's feed sends them in per-case order; `zpe events list --since %s` shows progress\n",
              o.since.c_str());
  return kOk;
}

}  // namespace

void add_events_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  auto* events = app.add_subcommand("events", "the case-file feed's outbox: list events, replay them to consumers");
  events->require_subcommand(1);
  static EventsOptions o;

  auto* list = events->add_subcommand("list", "events in outbox order: tenant, case, number in the case, delivery");
  list->add_option("--since", o.since, "only events after this event id");
  list->add_option("--tenant", o.tenant, "only this tenant's events");
  list->add_option("--limit", o.limit, "at most this many (default 1000)")->check(CLI::PositiveNumber);
  list->add_flag("--json", o.json, "print JSON");
  list->callback([&] { action = [&] { return list_events(options, o); }; });

  auto* replay = events->add_subcommand("replay", "send every event after EVENT_ID again, marked as a replay");
  replay->add_option("--since", o.since, "the event after which to replay (zpe events list)")->required();
  replay->add_option("--tenant", o.tenant, "only this tenant's events");
  replay->callback([&] { action = [&] { return replay_events(options, o); }; });
}

}  // namespace zpe::app
