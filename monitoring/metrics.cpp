#include "monitoring/metrics.h"

#include <algorithm>
#include <cstdio>

#include "clearing/clearing_desk.h"

namespace zpe::monitoring {

namespace {

constexpr int kRunsPerRead = 5000;

// A label value with \, " and newline escaped as the text format requires.
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// A bucket bound ("%g": "0.05", "2.5", "300") or a value in seconds ("%.3f").
std::string formatted(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}
std::string number(double value) { return formatted("%g", value); }
std::string seconds_text(double value) { return formatted("%.3f", value); }

// Writes one metric family: HELP, TYPE, then the samples added with sample().
class Family {
 public:
  Family(std::string& out, const std::string& name, const char* type, const char* help) : out_(out), name_(name) {
    out_ += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  // labels: {"tenant","default"}, ...; suffix for histogram parts (_bucket, _sum, _count).
  void sample(const std::vector<std::pair<std::string, std::string>>& labels, const std::string& value,
              const std::string& suffix = "") {
    out_ += name_ + suffix;
    if (!labels.empty()) {
      out_ += "{";
      for (size_t i = 0; i < labels.size(); ++i) {
        out_ += (i ? "," : "") + labels[i].first + "=\"" + label(labels[i].second) + "\"";
      }
      out_ += "}";
    }
    out_ += " " + value + "\n";
  }
  void sample(const std::vector<std::pair<std::string, std::string>>& labels, int64_t value) {
    sample(labels, std::to_string(value));
  }

 private:
  std::string& out_;
  std::string name_;
};

std::vector<std::string> all_states() {
  std::vector<std::string> out;
  for (auto s : {DocState::kQueued, DocState::kRunning, DocState::kFiled, DocState::kClearing, DocState::kQuarantined,
                 DocState::kSplit, DocState::kRescanRequested, DocState::kRejected, DocState::kReplaced}) {
    out.push_back(state_name(s));
  }
  return out;
}

bool is_failure(const std::string& outcome) {
  return outcome == "retryable" || outcome == "final" || outcome == "bad_input";
}

}  // namespace

Result<StageRunTally::Snapshot> StageRunTally::update(JobStore& jobs, const std::string& sign_stage) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (;;) {
    auto runs = jobs.stage_runs_after(after_id_, kRunsPerRead);
    if (!runs) return fail(runs.error());
    for (const auto& run : *runs) {
      if (run.outcome.empty()) {
        if (run.pending) return totals_;  // counted once it ends; later runs wait for it
        after_id_ = run.id;               // abandoned: it will never end
        continue;
      }
      if (run.outcome == "done") {
        Histogram& h = totals_.succeeded[run.stage];
        const double s = static_cast<double>(run.duration_ms) / 1000.0;
        const auto bucket = std::lower_bound(kStageRunBucketsS.begin(), kStageRunBucketsS.end(), s);
        if (bucket != kStageRunBucketsS.end()) h.buckets[bucket - kStageRunBucketsS.begin()] += 1;
        h.count += 1;
        h.sum_s += s;
      } else {
        totals_.failed[{run.stage, run.outcome}] += 1;
      }
      if (run.stage == sign_stage && (is_failure(run.outcome) || (run.outcome == "done" && !run.reason.empty()))) {
        totals_.signature_failures += 1;
      }
      after_id_ = run.id;
    }
    if (static_cast<int>(runs->size()) < kRunsPerRead) return totals_;
  }
}

Result<std::string> render_metrics(JobStore& jobs, StageRunTally& tally, const MetricsInput& in) {
  const TenantFilter every{true, {}};
  auto documents = jobs.documents_by_tenant_and_state(every);
  auto backlog = jobs.stage_backlog(every);
  auto feed = jobs.feed_backlog(every);
  auto archived = jobs.archived_per_tenant(every);
  auto workers = jobs.workers();
  auto runs = tally.update(jobs);
  if (!documents) return fail(documents.error());
  if (!backlog) return fail(backlog.error());
  if (!feed) return fail(feed.error());
  if (!archived) return fail(archived.error());
  if (!workers) return fail(workers.error());
  if (!runs) return fail(runs.error());

  // Tenants: the configured ones, and any other a stored document names (a tenant removed
  // from the config still has documents).
  std::vector<std::string> tenants = in.tenants;
  for (const auto& [key, n] : *documents) {
    if (std::find(tenants.begin(), tenants.end(), key.first) == tenants.end()) tenants.push_back(key.first);
  }
  std::vector<std::string> stages = in.stages;
  for (const auto& b : *backlog) {
    if (std::find(stages.begin(), stages.end(), b.stage) == stages.end()) stages.push_back(b.stage);
  }

  std::string out;
  {
    Family f(out, "zpe_documents", "gauge", "Documents in the job store by tenant and state, now.");
    for (const auto& tenant : tenants) {
      for (const auto& state : all_states()) {
        const auto it = documents->find({tenant, state});
        f.sample({{"tenant", tenant}, {"state", state}}, it == documents->end() ? 0 : it->second);
      }
    }
  }
  auto backlog_of = [&](const std::string& stage) {
    for (const auto& b : *backlog) {
      if (b.stage == stage) return b;
    }
    return StageBacklog{stage, 0, 0, "", "", 0};
  };
  {
    Family f(out, "zpe_stage_queue_depth", "gauge", "Documents QUEUED for each stage.");
    for (const auto& stage : stages) f.sample({{"stage", stage}}, backlog_of(stage).queued);
  }
  {
    Family f(out, "zpe_stage_running", "gauge", "Documents RUNNING at each stage (leased to a worker).");
    for (const auto& stage : stages) f.sample({{"stage", stage}}, backlog_of(stage).running);
  }
  {
    Family f(out, "zpe_stage_oldest_waiting_seconds", "gauge",
             "How long the longest-waiting QUEUED document of each stage has waited (0: none waits).");
    for (const auto& stage : stages) {
      const StageBacklog b = backlog_of(stage);
      const int64_t waited_ms = b.oldest_document_id.empty() ? 0 : std::max<int64_t>(0, in.now_ms - b.oldest_since_ms);
      f.sample({{"stage", stage}}, seconds_text(static_cast<double>(waited_ms) / 1000.0));
    }
  }
  {
    Family f(out, "zpe_stage_run_seconds", "histogram", "Duration of successful stage runs (claim to result).");
    for (const auto& stage : stages) {
      const auto it = runs->succeeded.find(stage);
      const StageRunTally::Histogram h = it == runs->succeeded.end() ? StageRunTally::Histogram{} : it->second;
      int64_t cumulative = 0;
      for (size_t i = 0; i < kStageRunBucketsS.size(); ++i) {
        cumulative += h.buckets[i];
        f.sample({{"stage", stage}, {"le", number(kStageRunBucketsS[i])}}, std::to_string(cumulative), "_bucket");
      }
      f.sample({{"stage", stage}, {"le", "+Inf"}}, std::to_string(h.count), "_bucket");
      f.sample({{"stage", stage}}, seconds_text(h.sum_s), "_sum");
      f.sample({{"stage", stage}}, std::to_string(h.count), "_count");
    }
  }
  {
    Family f(out, "zpe_stage_run_failures_total", "counter",
             "Stage runs that did not succeed, by stage and kind (retryable, final, bad_input, no_space, lost).");
    for (const auto& [key, n] : runs->failed) f.sample({{"stage", key.first}, {"kind", key.second}}, n);
  }
  {
    Family f(out, "zpe_clearing_documents", "gauge", "Documents in CLEARING by tenant and reason kind, now.");
    std::map<std::pair<std::string, std::string>, int64_t> by_kind;
    for (const auto& tenant : tenants) {
      DocumentQuery q;
      q.tenants = {tenant};
      auto reasons = jobs.count_clearing_reasons(q);
      if (!reasons) return fail(reasons.error());
      for (const auto& [text, n] : *reasons) by_kind[{tenant, clearing::reason_kind(text)}] += n;
    }
    for (const auto& [key, n] : by_kind) f.sample({{"tenant", key.first}, {"reason", key.second}}, n);
  }
  {
    Family f(out, "zpe_feed_unacknowledged_events", "gauge",
             "Case-file events not acknowledged by the case system yet (replays included).");
    for (const auto& tenant : tenants) {
      const auto it = feed->find(tenant);
      f.sample({{"tenant", tenant}}, it == feed->end() ? 0 : it->second.unacknowledged);
    }
  }
  {
    Family f(out, "zpe_feed_lag_seconds", "gauge", "Age of the oldest unacknowledged case-file event (0: none).");
    for (const auto& tenant : tenants) {
      const auto it = feed->find(tenant);
      const int64_t lag_ms = it == feed->end() || it->second.unacknowledged == 0
                                 ? 0
                                 : std::max<int64_t>(0, in.now_ms - it->second.oldest_created_ms);
      f.sample({{"tenant", tenant}}, seconds_text(static_cast<double>(lag_ms) / 1000.0));
    }
  }
  {
    Family f(out, "zpe_archive_packages_total", "counter", "Archive packages written, by tenant.");
    for (const auto& tenant : tenants) {
      const auto it = archived->find(tenant);
      f.sample({{"tenant", tenant}}, it == archived->end() ? 0 : it->second);
    }
  }
  {
    Family f(out, "zpe_signature_failures_total", "counter",
             "Sign-stage runs that failed or sent the document to clearing (no key, key or TSA unavailable).");
    f.sample({}, runs->signature_failures);
  }
  {
    Family f(out, "zpe_workers_connected", "gauge", "Stage workers the dispatcher heard from within 15 s.");
    std::map<std::string, int64_t> per_stage;
    for (const auto& stage : in.stages) per_stage[stage] = 0;
    for (const auto& w : *workers) {
      if (in.now_ms - w.last_seen_ms <= kWorkerConnectedWithinMs) per_stage[w.stage] += 1;
    }
    for (const auto& [stage, n] : per_stage) f.sample({{"stage", stage}}, n);
  }
  if (in.disk_free_bytes) {
    Family f(out, "zpe_disk_free_bytes", "gauge", "Free bytes on the file system of the ZPE home.");
    f.sample({}, std::to_string(*in.disk_free_bytes));
  }
  const nlohmann::json* areas = in.storage_usage.is_object() && in.storage_usage.contains("areas")
                                    ? &in.storage_usage["areas"] : nullptr;
  if (areas != nullptr && areas->is_object() && in.storage_usage.value("measured_ms", int64_t{0}) > 0) {
    {
      Family f(out, "zpe_storage_bytes", "gauge",
               "Bytes in each area of the ZPE home as the storage policy last measured them (zpe gc, or the archiver "
               "every [storage] gc_interval_minutes).");
      for (const auto& [area, bytes] : areas->items()) {
        if (bytes.is_number_unsigned() || bytes.is_number_integer()) f.sample({{"area", area}}, bytes.get<int64_t>());
      }
    }
    Family f(out, "zpe_storage_measured_timestamp_seconds", "gauge", "When zpe_storage_bytes was measured (Unix time).");
    f.sample({}, seconds_text(static_cast<double>(in.storage_usage["measured_ms"].get<int64_t>()) / 1000.0));
  }
  return out;
}

}  // namespace zpe::monitoring
