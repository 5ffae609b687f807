#include "app/queue_commands.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "base/time.h"
#include "cli/cli.h"
#include "queue/spool.h"

namespace postern::app {

void add_queue_commands(CLI::App& app, std::function<const config::Config&()> config) {
  auto* queue = app.add_subcommand("queue", "inspect the queue of accepted mail");
  queue->require_subcommand(1);

  auto* list = queue->add_subcommand("list", "list queued messages");
  auto json = std::make_shared<bool>(false);
  list->add_flag("--json", *json, "one JSON document");
  list->callback([config, json] {
    queue::Spool spool(config().data_dir + "/spool");
    auto all = spool.list();
    if (*json) {
      nlohmann::json arr = nlohmann::json::array();
      for (auto& e : all)
        arr.push_back({{"id", e.id}, {"mail_from", e.mail_from}, {"rcpt", e.recipients},
                       {"user", e.username}, {"user_id", e.user_uuid}, {"account", e.account},
                       {"ip", e.client_ip}, {"size", e.size},
                       {"received_at", format_iso8601(e.received_at)}});
      std::cout << arr.dump(2) << "\n";
      return;
    }
    for (auto& e : all) {
      std::cout << e.id << "  " << format_iso8601(e.received_at) << "  " << e.size << "  <"
                << e.mail_from << ">  " << e.recipients.size() << " rcpt  " << e.username << "\n";
    }
    std::cout << all.size() << " message(s) queued\n";
  });

  auto* del = queue->add_subcommand("delete", "remove a message from the queue");
  auto id = std::make_shared<std::string>();
  del->add_option("ID", *id, "queue id")->required();
  del->callback([config, id] {
    queue::Spool spool(config().data_dir + "/spool");
    if (auto s = spool.remove(*id); !s) throw cli::CommandError(s.error().message);
    std::cout << "deleted " << *id << "\n";
  });
}

}  // namespace postern::app
