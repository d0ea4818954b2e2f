// Package recommend turns viewing activity into suggestions: a log of weighted
// interactions, several models fitted on it (time-decayed popularity, item-kNN,
// content-based, EASE^R, RP3beta, a low-rank projection, series and new releases, and a
// hybrid that reranks their candidates), and the serving side that precomputes the
// Recommendation table from the database.
//
// Where things live:
//   - data.go: the log (Data, Event, Interaction, Item), interaction weights and the
//     hold-out split that tuning and evaluation share;
//   - model.go: the Model interface, Recommend, Progress, the top-n selection and
//     Parallel, which spreads work over the CPUs;
//   - the component models: Popularity and Trending in model.go, ItemKNN and
//     Sequence in itemknn.go, Content in content.go, EASE in ease.go, RP3Beta and
//     LowRank in graph.go, Franchise and Newness in franchise.go;
//   - hybrid.go: the Hybrid model, its components and how it scores, finds similar
//     items and explains a recommendation; features.go builds each candidate's
//     features; tune.go picks LowRank's rank and the penalty on a validation split and
//     holds NDCG, which it tunes by; fit.go fits the feature weights by Newton's method;
//   - serve.go: Service, which loads the log from the database, and Refresh and the
//     River worker that keep the Recommendation table current.
//
// The dense linear algebra the models need (Cholesky, the SPD inverse, Jacobi
// eigenvectors, vector helpers) is in package linalg. Offline evaluation, MovieLens
// files and the synthetic log generator are in package offline, which imports this one
// and is never imported by it, so the server carries none of them.
package recommend
