# SPDX-License-Identifier: MIT
#
# Documentation that is checked:
#  - the `docs` target: Doxygen HTML of the public headers in build/docs/html,
#    every warning an error (docs/Doxyfile.in, docs/kernel-doc-filter.pl);
#  - README.md's 30-line example, cut out of the README at configure time,
#    built with the rest (-Werror applies) and run by ctest (readme-example).

find_package(Doxygen 1.9)
find_package(Perl)
if(DOXYGEN_FOUND AND PERL_FOUND)
	configure_file(${PROJECT_SOURCE_DIR}/docs/Doxyfile.in ${PROJECT_BINARY_DIR}/docs/Doxyfile
		       @ONLY)
	file(GLOB _vfio_doc_inputs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/vfio/*.h)
	add_custom_target(docs
		COMMAND ${CMAKE_COMMAND} -E remove_directory ${PROJECT_BINARY_DIR}/docs/html
		COMMAND Doxygen::doxygen ${PROJECT_BINARY_DIR}/docs/Doxyfile
		COMMAND ${CMAKE_COMMAND} -E echo "docs: ${PROJECT_BINARY_DIR}/docs/html/index.html"
		DEPENDS ${_vfio_doc_inputs} ${PROJECT_SOURCE_DIR}/docs/api.md
			${PROJECT_SOURCE_DIR}/docs/kernel-doc-filter.pl
		WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
		COMMENT "Doxygen: the API reference, warnings as errors"
		VERBATIM)
else()
	add_custom_target(docs
		COMMAND ${CMAKE_COMMAND} -E echo
			"docs: needs doxygen (>= 1.9) and perl: apt-get install doxygen"
		COMMAND ${CMAKE_COMMAND} -E false
		VERBATIM)
endif()

# README.md's example: the first ```c block after the "## A 30-line example" heading.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/README.md)
file(READ ${PROJECT_SOURCE_DIR}/README.md _vfio_readme)
if(_vfio_readme MATCHES "\n## A 30-line example[^\n]*\n(.*)")
	set(_vfio_rest "${CMAKE_MATCH_1}")
	if(_vfio_rest MATCHES "```c\n([^`]*)```")
		file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/readme_example.c
		     CONTENT "// Cut out of README.md by cmake/Docs.cmake: edit it there.\n${CMAKE_MATCH_1}"
		     @ONLY)
		add_executable(readme-example ${PROJECT_BINARY_DIR}/readme_example.c)
		target_compile_definitions(readme-example PRIVATE _GNU_SOURCE)
		target_link_libraries(readme-example PRIVATE vfio-sim vfio)
		if(VFIO_TESTS)
			add_test(NAME readme-example COMMAND readme-example)
			set_tests_properties(readme-example PROPERTIES LABELS examples TIMEOUT 60)
		endif()
	endif()
endif()
