#include "api/routes.h"

#include "api/errors.h"

namespace postern::api {

Service::Service(Dependencies d)
    : deps(std::move(d)),
      store(deps.store),
      config(deps.config),
      clock(deps.clock),
      spool(deps.config.data_dir + "/spool"),
      sessions(deps.clock),
      authenticator(deps.store, deps.clock, sessions) {}

void Routes::add(const std::string& method, const std::string& pattern, Access access,
                 ApiHandler handler) {
  Service* service = &service_;
  router_.add(method, pattern,
              [service, access, handler = std::move(handler)](
                  const http::Request& request, const http::Params& params) -> http::Response {
                try {
                  Caller caller;
                  if (access != Access::Public) {
                    caller = service->authenticator.authenticate(request);
                    if (access == Access::Admin) require_admin(caller);
                  }
                  return handler(Call{request, params, caller});
                } catch (const Failure& f) {
                  return error_response(f.status, f.what());
                } catch (const storage::StoreError&) {
                  // The database failed (I/O, locked past the busy timeout): try again later.
                  return error_response(503, "the store is unavailable; try again");
                }
              });
}

}  // namespace postern::api
