// Starts GraphiQL on the page that graph/graphiql.go serves. It is a file rather than an inline
// script so that a Content-Security-Policy with script-src 'self' allows it.
(function () {
  'use strict';
  var element = document.getElementById('graphiql');
  var fetcher = GraphiQL.createFetcher({
    url: element.getAttribute('data-endpoint'),
    // Plain JSON responses: the server does not stream incremental results.
    enableIncrementalDelivery: false,
  });
  ReactDOM.createRoot(element).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
    }),
  );
})();
