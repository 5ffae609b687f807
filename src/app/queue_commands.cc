#include "app/queue_commands.h"

#include <nlohmann/json.hpp>

#include "base/time.h"
#include "queue/queue_json.h"
#include "queue/spool.h"

namespace postern::app {

void add_queue_commands(CLI::App& app, std::function<const config::Config&()> config,
                        cli::Context& ctx) {
  auto* queue = app.add_subcommand("queue", "inspect and manage the queue of accepted mail");
  queue->require_subcommand(1);
  auto spool = [config] { return queue::Spool(config().data_dir + "/spool"); };

  auto* list = queue->add_subcommand("list", "list queued messages with their recipients' state");
  auto json = std::make_shared<bool>(false);
  list->add_flag("--json", *json, "one JSON document");
  list->callback([spool, json, &ctx] {
    auto all = spool().list();
    if (*json) {
      nlohmann::json arr = nlohmann::json::array();
      for (auto& e : all) arr.push_back(queue::queued_message_json(e, ctx.store().deliveries_of(e.id)));
      ctx.out << arr.dump(2) << "\n";
      return;
    }
    for (auto& e : all) {
      ctx.out << e.id << "  " << format_iso8601(e.received_at) << "  " << e.size << "  <"
              << e.mail_from << ">  " << e.username << "\n";
      for (auto& d : ctx.store().deliveries_of(e.id)) {
        ctx.out << "    " << d.recipient << "  " << d.status << "  attempts=" << d.attempts;
        if (d.status == "queued") ctx.out << "  next=" << format_iso8601(d.next_attempt_at);
        if (!d.last_reply.empty()) ctx.out << "  last=\"" << d.last_reply << "\"";
        ctx.out << "\n";
      }
    }
    ctx.out << all.size() << " message(s) queued\n";
  });

  auto* retry = queue->add_subcommand("retry", "try queued recipients again now");
  auto retry_id = std::make_shared<std::string>();
  auto retry_all = std::make_shared<bool>(false);
  retry->add_option("ID", *retry_id, "queue id");
  retry->add_flag("--all", *retry_all, "every queued message");
  retry->callback([retry_id, retry_all, &ctx] {
    if (retry_id->empty() == !*retry_all) throw cli::CommandError("give a queue ID or --all (not both)");
    auto n = ctx.store().retry_now(*retry_all ? std::nullopt : std::optional<std::string>(*retry_id), now_ms());
    if (n == 0 && !*retry_all) throw cli::CommandError("no queued recipients for " + *retry_id);
    ctx.out << "scheduled " << n << " recipient(s) for immediate retry\n";
  });

  auto* del = queue->add_subcommand("delete", "remove a message from the queue (no bounce)");
  auto id = std::make_shared<std::string>();
  del->add_option("ID", *id, "queue id")->required();
  del->callback([spool, id, &ctx] {
    auto rows = ctx.store().deliveries_of(*id);
    for (auto& d : rows)
      if (d.status == "queued") d.status = "deleted";
    if (auto s = ctx.store().update_deliveries(rows); !s) throw cli::CommandError(s.error().message);
    if (auto s = spool().remove(*id); !s) throw cli::CommandError(s.error().message);
    ctx.out << "deleted " << *id << "\n";
  });
}

}  // namespace postern::app
