#include "storage/sqlite/migrations.h"

namespace postern::storage::sqlite {

// Migration 4: quota and rate counters, suppression lists, idempotency keys.
const char* const kPolicySchema = R"sql(
-- filled by the policy work
)sql";

}  // namespace postern::storage::sqlite
