#pragma once

/// Umbrella header: everything an ETL job needs to merge JSON record files.
/// The behaviour these headers cite ("contract 1.7") is contract.md, and the guide with
/// examples is library.md, both installed in share/doc/mergepipe beside them.
#include "mergepipe/appender.h"
#include "mergepipe/error.h"
#include "mergepipe/merge.h"
#include "mergepipe/merger.h"
#include "mergepipe/options.h"
#include "mergepipe/pieces.h"
#include "mergepipe/pipeline_layout.h"
#include "mergepipe/record_view.h"
#include "mergepipe/report.h"
#include "mergepipe/sink.h"
#include "mergepipe/source.h"
#include "mergepipe/version.h"
