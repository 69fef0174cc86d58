# node --check on each of FILES (ES modules: the app directory's package.json says so).
foreach(_f IN LISTS FILES)
  execute_process(COMMAND ${NODE} --check ${_f} RESULT_VARIABLE _rc ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "${_f}: ${_err}")
  endif()
endforeach()
