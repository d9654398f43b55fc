// WorkNotifier: tells the dispatcher that new work is queued (`ZPE1 WORK`, docs/PROTOCOL.md),
// so a document the intake recorded is handed to an idle worker at once instead of at the
// dispatcher's next look at the job store. Only a wake-up: the job store stays the truth, a
// notice lost (dispatcher down or restarting) costs at most one poll interval. Sending
// never blocks. Used by the intake process (`zpe intake`); one object per thread. With CURVE
// keys (pipeline/link_security.h) it connects as a CURVE client, like a worker.
#pragma once

#include <string>

#include <zmq.hpp>

#include "pipeline/link_security.h"

namespace zpe {

class WorkNotifier {
 public:
  WorkNotifier(zmq::context_t& context, const std::string& dispatcher_endpoint,
               const ClientLinkSecurity& security = {});
  // Sends WORK; drops it when it cannot be queued at once.
  void notify();

 private:
  zmq::socket_t socket_;
};

}  // namespace zpe
