// JSON shapes of sender domains (with the DNS records to publish) and of a verification
// report, shared by `postern domain ... --json` and the HTTP API. Public keys only: nothing
// here can reveal a private key. Pure functions.
#pragma once
#include <nlohmann/json.hpp>

#include <string>

#include "dkim/verify.h"
#include "storage/domain_store.h"

namespace postern::cli {

// {"name","account","created_at","verified","verification":{spf,dkim,dmarc,checked_at},
//  "selectors":[{selector,algorithm,public_key,created_at}],
//  "records":[{kind,name,type:"TXT",value,zone}]}
nlohmann::json domain_to_json(const storage::Domain& domain, const std::string& spf_include);

// {"domain","verified","checked_at","spf":{status,name,expected,found,detail},
//  "dkim":[{selector,status,name,expected,found,detail}],"dmarc":{...}}
nlohmann::json report_to_json(const dkim::DomainReport& report, Millis checked_at);

}  // namespace postern::cli
