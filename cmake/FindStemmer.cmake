# Finds the Snowball stemmer library (libstemmer, Debian: libstemmer-dev).
# Defines Stemmer_FOUND and the imported target Stemmer::Stemmer.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_STEMMER QUIET libstemmer)
endif()
find_path(Stemmer_INCLUDE_DIR NAMES libstemmer.h HINTS ${PC_STEMMER_INCLUDE_DIRS})
find_library(Stemmer_LIBRARY NAMES stemmer HINTS ${PC_STEMMER_LIBRARY_DIRS})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Stemmer REQUIRED_VARS Stemmer_LIBRARY Stemmer_INCLUDE_DIR)
if(Stemmer_FOUND AND NOT TARGET Stemmer::Stemmer)
  add_library(Stemmer::Stemmer UNKNOWN IMPORTED)
  set_target_properties(Stemmer::Stemmer PROPERTIES
    IMPORTED_LOCATION "${Stemmer_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Stemmer_INCLUDE_DIR}")
endif()
mark_as_advanced(Stemmer_INCLUDE_DIR Stemmer_LIBRARY)
