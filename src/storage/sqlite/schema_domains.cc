#include "storage/sqlite/migrations.h"

namespace postern::storage::sqlite {

// Migration 3: sender domains and their DKIM selectors.
const char* const kDomainsSchema = R"sql(
-- filled by the domains work
)sql";

}  // namespace postern::storage::sqlite
