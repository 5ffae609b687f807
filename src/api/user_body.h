// The settable fields of an SMTP user in a request body (POST/PATCH /api/v1/smtp-users), as
// cli::UserSettings for cli::apply_user_settings. Pure (no Asio): the api_body fuzz target
// runs it with the handlers' exact accessor sequence.
#pragma once
#include "api/body.h"
#include "cli/user_settings.h"

namespace postern::api {

// "rate": null clears the rate limit (an empty string for apply_user_settings).
cli::UserSettings user_settings_of(JsonBody& body);

}  // namespace postern::api
