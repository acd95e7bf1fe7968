# corpus-args: --translate-imports
import legacy_module
print legacy_module.describe(21)
