from django.shortcuts import render

from search.queries import clean_query, search_site


def results(request):
    query = clean_query(request.GET.get("q", ""))
    return render(request, "search/results.html", {"query": query, "results": search_site(query)})
