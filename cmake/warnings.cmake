# Warnings live on an interface target linked PRIVATE, so consumers of the
# installed library never inherit them (nor -Werror).
add_library(mergepipe_warnings INTERFACE)
target_compile_options(mergepipe_warnings INTERFACE -Wall -Wextra -Wpedantic
                       $<$<BOOL:${MERGEPIPE_WERROR}>:-Werror>)
